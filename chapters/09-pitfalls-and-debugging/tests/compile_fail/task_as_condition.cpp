// Must not compile: a Task is not a bool. In Python `if get_user(3):` is always true (a
// coroutine object is truthy) and the branch runs whatever the user would have been.
#include "aio/run.hpp"
#include "aio/sleep.hpp"

aio::Task<bool> user_exists(int id) {
  co_await aio::sleep(std::chrono::milliseconds(100));
  co_return id < 3;
}

aio::Task<> main_task() {
  if (user_exists(7)) { // error: forgot co_await; a task cannot be tested as a condition
    co_return;
  }
}

int main() { aio::run(main_task()); }
