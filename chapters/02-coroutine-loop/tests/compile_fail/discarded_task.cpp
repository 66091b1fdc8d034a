// Must not compile with -Werror: a Task returned and dropped on the floor never runs. Task is
// [[nodiscard]], so the compiler warns (-Wunused-result), and the course builds with -Werror.
#include "coro/sleep.hpp"

coro::Task<int> get_user(int id) {
  co_await coro::sleep(std::chrono::milliseconds(100));
  co_return id;
}

coro::Task<> forget() {
  get_user(2); // error: forgot co_await; the result of a [[nodiscard]] type is ignored
  co_return;
}

int main() { coro::run(forget()); }
