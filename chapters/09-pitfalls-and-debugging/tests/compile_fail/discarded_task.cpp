// Must not compile: a Task function's result cannot be dropped. In Python `fetch_user(1)` on a
// line of its own makes a coroutine object and throws it away: the query never runs.
#include "aio/run.hpp"
#include "aio/sleep.hpp"

aio::Task<int> fetch_user(int id) {
  co_await aio::sleep(std::chrono::milliseconds(100));
  co_return id;
}

aio::Task<> main_task() {
  fetch_user(1); // error: forgot co_await, and the task is discarded
  co_return;
}

int main() { aio::run(main_task()); }
