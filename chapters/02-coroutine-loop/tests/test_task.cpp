// Task<T> on its own terms: results, laziness, exceptions, ownership, and symmetric transfer.
#include "coro/event_loop.hpp"
#include "coro/sleep.hpp"
#include "coro/task.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using coro::Task;
using coro::VirtualClock;
using namespace std::chrono_literals;

namespace {
Task<int> answer() { co_return 42; }
Task<int> twice(Task<int> inner) { co_return 2 * co_await std::move(inner); }
Task<int> fails(std::string why) {
  co_await coro::sleep(1s);
  throw std::runtime_error(why);
}
Task<int> relay(Task<int> inner) { co_return co_await std::move(inner); }

// [deep-chain]
Task<int> one() { co_return 1; } // completes without ever suspending
Task<long> count_to(long n) {
  long sum = 0;
  for (long i = 0; i < n; ++i) sum += co_await one(); // a transfer into one() and back, each time
  co_return sum;
}
// [deep-chain]
} // namespace

AIO_TEST_CASE("co_await gives the awaited task's co_return value", "[ch02][task]") {
  VirtualClock clock;
  CHECK(coro::run(answer(), clock) == 42);
  CHECK(coro::run(twice(twice(answer())), clock) == 168);
}

AIO_TEST_CASE("a task does not start until it is awaited", "[ch02][task]") {
  std::vector<std::string> log;
  auto body = [](std::vector<std::string>& out) -> Task<> {
    out.push_back("child runs");
    co_return;
  };
  auto parent = [](std::vector<std::string>& out, auto make) -> Task<> {
    auto child = make(out);
    out.push_back("child created");
    co_await std::move(child);
    out.push_back("child done");
  };
  VirtualClock clock;
  coro::run(parent(log, body), clock);
  CHECK(log == std::vector<std::string>{"child created", "child runs", "child done"});
}

AIO_TEST_CASE("an exception travels up through every co_await to run()", "[ch02][task]") {
  VirtualClock clock;
  CHECK_THROWS_WITH(coro::run(relay(relay(fails("disk full"))), clock), "disk full");
  CHECK(clock.now().time_since_epoch() == 1s); // it failed after its sleep, not before
}

AIO_TEST_CASE("an exception can be caught by the coroutine that awaits", "[ch02][task]") {
  auto guarded = []() -> Task<std::string> {
    try {
      co_await fails("timeout");
    } catch (const std::runtime_error& e) {
      co_return std::string("recovered from ") + e.what();
    }
    co_return "unreachable";
  };
  VirtualClock clock;
  CHECK(coro::run(guarded(), clock) == "recovered from timeout");
}

AIO_TEST_CASE("a moved task keeps the frame and the moved-from one is empty", "[ch02][task]") {
  auto task = answer();
  Task<int> other = std::move(task);
  CHECK(task.done()); // NOLINT(bugprone-use-after-move): checking the moved-from state on purpose
  CHECK_FALSE(other.done());
  VirtualClock clock;
  const int result = coro::run(std::move(other), clock);
  CHECK(result == 42);
}

AIO_TEST_CASE("the promise records the coroutine's name and file", "[ch02][task]") {
  auto task = answer();
  CHECK(std::string(task.origin().function) == "answer");
  CHECK(std::string(task.origin().file) == "chapters/02-coroutine-loop/tests/test_task.cpp");
  VirtualClock clock;
  (void)coro::run(std::move(task), clock);
}

AIO_TEST_CASE("ten million co_awaits of tasks that finish at once do not grow the stack", "[ch02][task][transfer]") {
  // Without a tail call at each transfer, every co_await one() would nest a call frame inside
  // the last one and this would overflow an 8 MB stack long before the end. Ten million
  // transfers in one step also hold the loop for a while, on purpose: step timing is off here.
  aio::testing::ScopedDebugChecks off(false);
  VirtualClock clock;
  CHECK(coro::run(count_to(10'000'000), clock) == 10'000'000);
}
