// Must not compile: aio::sleep(d) without co_await makes the wait and throws it away, so the
// coroutine goes straight on (Python reports "coroutine 'sleep' was never awaited").
#include "aio/run.hpp"
#include "aio/sleep.hpp"

aio::Task<> pause_then_print() {
  aio::sleep(std::chrono::seconds(1)); // error: forgot co_await; nothing waits
  co_return;
}

int main() { aio::run(pause_then_print()); }
