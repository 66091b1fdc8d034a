// Must not compile: co_await only works in a coroutine, and a function returning int is not
// one (Python: "'await' outside async function"). Async is contagious: make the caller a
// coroutine too, or, at the very top of the program only, call aio::run.
#include "aio/run.hpp"
#include "aio/sleep.hpp"

aio::Task<int> async_operation() {
  co_await aio::sleep(std::chrono::milliseconds(100));
  co_return 42;
}

int sync_function() {
  return co_await async_operation(); // error: not a coroutine
}

int main() { return sync_function() == 42 ? 0 : 1; }
