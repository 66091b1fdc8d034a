// Must not compile: a Task is not a bool. In Python `if get_user(3):` is always true (a
// coroutine object is truthy) and the body runs whatever the user would have been.
#include "coro/sleep.hpp"

coro::Task<int> get_user(int id) {
  co_await coro::sleep(std::chrono::milliseconds(100));
  co_return id;
}

coro::Task<> check() {
  if (get_user(3)) { // error: forgot co_await; the task cannot be tested as a condition
    co_return;
  }
}

int main() { coro::run(check()); }
