// Chapter 02 exercises. Compiled twice: against your files in exercises/02-coroutine-loop/
// (what ./course grade 02 runs) and against the reference answers in solutions/.
// Time is virtual: the loop's clock jumps to the next timer, so "1 s" is exact and instant.
// Every test runs under the pitfall guard: a forgotten co_await or a blocking sleep fails it.
#include "retry.hpp"
#include "sleep_until.hpp"
#include "when_all.hpp"
#include "yield_now.hpp"

#include "coro/event_loop.hpp"
#include "coro/sleep.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using coro::Task;
using coro::VirtualClock;
using namespace std::chrono_literals;

namespace {

using Log = std::vector<std::string>;

// Milliseconds since the loop's clock started (a VirtualClock starts at zero).
long long ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(coro::EventLoop::current().now().time_since_epoch())
      .count();
}

Task<> yields_twice(std::string name, Log& log) {
  log.push_back(name + "1");
  co_await yield_now();
  log.push_back(name + "2");
  co_await yield_now();
  log.push_back(name + "3");
}

Task<> says(std::string what, Log& log) {
  log.push_back(std::move(what));
  co_return;
}

template <class T>
Task<T> after(coro::Duration delay, T value, Log& log, std::string name) {
  log.push_back(name + " starts");
  co_await coro::sleep(delay);
  log.push_back(name + " ends");
  co_return value;
}

Task<int> fails_after(coro::Duration delay, std::string why) {
  co_await coro::sleep(delay);
  throw std::runtime_error(why);
}

Task<int> flaky(int& calls, int failures, Log& log) {
  ++calls;
  log.push_back("attempt " + std::to_string(calls) + " at " + std::to_string(ms_now()) + " ms");
  if (calls <= failures) throw std::runtime_error("attempt " + std::to_string(calls) + " failed");
  co_return 42;
}

Task<> tick_at(coro::Duration when, Log& log) {
  co_await coro::sleep(when);
  log.push_back("tick at " + std::to_string(ms_now()) + " ms");
}

} // namespace

// --- 2.1 yield_now -----------------------------------------------------------------------

AIO_TEST_CASE("yield_now: two coroutines that yield take turns", "[ex2.1]") {
  Log log;
  VirtualClock clock;
  coro::EventLoop loop(clock);
  loop.spawn(yields_twice("A", log));
  loop.spawn(yields_twice("B", log));
  loop.run_forever();
  CHECK(log == Log{"A1", "B1", "A2", "B2", "A3", "B3"});
}

AIO_TEST_CASE("yield_now: everything already ready runs before the one that yielded", "[ex2.1]") {
  Log log;
  VirtualClock clock;
  coro::EventLoop loop(clock);
  loop.spawn(yields_twice("A", log));
  loop.spawn(says("B", log));
  loop.spawn(says("C", log));
  loop.run_forever();
  CHECK(log == Log{"A1", "B", "C", "A2", "A3"});
}

AIO_TEST_CASE("yield_now: takes no time on the loop's clock", "[ex2.1]") {
  Log log;
  VirtualClock clock;
  coro::run(yields_twice("A", log), clock);
  CHECK(log == Log{"A1", "A2", "A3"});
  CHECK(clock.now().time_since_epoch() == 0s);
}

// --- 2.2 sleep_until ---------------------------------------------------------------------

AIO_TEST_CASE("sleep_until: wakes exactly at the deadline", "[ex2.2]") {
  VirtualClock clock;
  auto body = []() -> Task<std::vector<long long>> {
    const coro::TimePoint start = coro::EventLoop::current().now();
    std::vector<long long> woke;
    co_await sleep_until(start + 1500ms);
    woke.push_back(ms_now());
    co_await sleep_until(start + 2500ms);
    woke.push_back(ms_now());
    co_return woke;
  };
  CHECK(coro::run(body(), clock) == std::vector<long long>{1500, 2500});
}

AIO_TEST_CASE("sleep_until: sleepers wake in deadline order, whatever order they started in", "[ex2.2]") {
  Log log;
  auto sleeper = [](coro::Duration at, std::string name, Log& out) -> Task<> {
    co_await sleep_until(coro::TimePoint(at));
    out.push_back(name + " at " + std::to_string(ms_now()) + " ms");
  };
  VirtualClock clock;
  coro::EventLoop loop(clock);
  loop.spawn(sleeper(3s, "c", log));
  loop.spawn(sleeper(1s, "a", log));
  loop.spawn(sleeper(2s, "b", log));
  loop.run_forever();
  CHECK(log == Log{"a at 1000 ms", "b at 2000 ms", "c at 3000 ms"});
}

AIO_TEST_CASE("sleep_until: a deadline already past does not suspend at all", "[ex2.2]") {
  Log log;
  auto late = [](Log& out) -> Task<> {
    co_await coro::sleep(2s);
    out.push_back("late: before");
    co_await sleep_until(coro::TimePoint(1s)); // one second ago
    out.push_back("late: after, at " + std::to_string(ms_now()) + " ms");
  };
  auto other = [](Log& out) -> Task<> {
    co_await coro::sleep(2s);
    out.push_back("other");
  };
  VirtualClock clock;
  coro::EventLoop loop(clock);
  loop.spawn(late(log));
  loop.spawn(other(log));
  loop.run_forever();
  CHECK(log == Log{"late: before", "late: after, at 2000 ms", "other"});
}

// --- 2.3 when_all ------------------------------------------------------------------------

AIO_TEST_CASE("when_all: both results, in the time of the slower one", "[ex2.3]") {
  Log log;
  VirtualClock clock;
  auto both = coro::run(when_all(after(1s, 10, log, "a"), after(2s, std::string("x"), log, "b")), clock);
  CHECK(both.first == 10);
  CHECK(both.second == "x");
  CHECK(clock.now().time_since_epoch() == 2s);
}

AIO_TEST_CASE("when_all: the two tasks really run at the same time", "[ex2.3]") {
  Log log;
  VirtualClock clock;
  (void)coro::run(when_all(after(2s, 1, log, "a"), after(1s, 2, log, "b")), clock);
  CHECK(log == Log{"a starts", "b starts", "b ends", "a ends"});
}

AIO_TEST_CASE("when_all: an exception comes out once both have finished", "[ex2.3]") {
  Log log;
  VirtualClock clock;
  CHECK_THROWS_WITH(coro::run(when_all(fails_after(1s, "a failed"), after(2s, 2, log, "b")), clock), "a failed");
  CHECK(clock.now().time_since_epoch() == 2s);
  CHECK(log == Log{"b starts", "b ends"});
}

// --- 2.4 retry ---------------------------------------------------------------------------

AIO_TEST_CASE("retry: succeeds on the third attempt after pauses of 1 s and 2 s", "[ex2.4]") {
  Log log;
  int calls = 0;
  VirtualClock clock;
  const int value = coro::run(retry<int>([&] { return flaky(calls, 2, log); }, 5, 1s), clock);
  CHECK(value == 42);
  CHECK(log == Log{"attempt 1 at 0 ms", "attempt 2 at 1000 ms", "attempt 3 at 3000 ms"});
}

AIO_TEST_CASE("retry: gives up after the last attempt, with its exception, and no pause after it", "[ex2.4]") {
  Log log;
  int calls = 0;
  VirtualClock clock;
  CHECK_THROWS_WITH(coro::run(retry<int>([&] { return flaky(calls, 99, log); }, 3, 1s), clock), "attempt 3 failed");
  CHECK(calls == 3);
  CHECK(clock.now().time_since_epoch() == 3s);
}

AIO_TEST_CASE("retry: a first success costs no pause", "[ex2.4]") {
  Log log;
  int calls = 0;
  VirtualClock clock;
  CHECK(coro::run(retry<int>([&] { return flaky(calls, 0, log); }, 3, 1s), clock) == 42);
  CHECK(calls == 1);
  CHECK(clock.now().time_since_epoch() == 0s);
}

AIO_TEST_CASE("retry: the loop runs other coroutines during the pause", "[ex2.4]") {
  Log log;
  int calls = 0;
  VirtualClock clock;
  coro::EventLoop loop(clock);
  loop.spawn([](int& n, Log& out) -> Task<> {
    (void)co_await retry<int>([&] { return flaky(n, 1, out); }, 2, 1s);
  }(calls, log));
  loop.spawn(tick_at(500ms, log));
  loop.run_forever();
  CHECK(log == Log{"attempt 1 at 0 ms", "tick at 500 ms", "attempt 2 at 1000 ms"});
}
