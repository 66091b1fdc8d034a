// Chapter 04's pitfall reports: a coroutine never awaited, an exception never retrieved, the
// loop blocked inside a task (blamed on the coroutine that blocked), a task that never yields.
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

using aio::Pitfall;
using aio::Task;
using aio::VirtualClock;
using aio::testing::RecordingSink;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {
Task<int> get_user(int id) { co_return id; }

Task<> fetch_data_blocking() {
  std::this_thread::sleep_for(60ms); // the mistake under test: the whole loop stops
  co_return;
}

Task<> handler() {
  co_await aio::sleep(0s);
  co_await fetch_data_blocking();
}

Task<int> explode() {
  co_await aio::sleep(1s);
  throw std::runtime_error("boom");
}
} // namespace

TEST_CASE("a coroutine created and dropped without co_await is reported by name", "[ch04][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    Task<int> forgotten = get_user(1); // no co_await, no create_task
    co_return;
  };
  aio::run(main(), clock);
  REQUIRE(sink.count(Pitfall::never_run) == 1);
  CHECK(sink.reports().front().summary == "coroutine 'get_user' was never awaited");
  CHECK(std::string(sink.reports().front().origin.file) == "chapters/04-futures-and-tasks/tests/test_pitfalls.cpp");
}

TEST_CASE("a task that fails with nobody awaiting it is reported, naming task and coroutine", "[ch04][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    { Task<int> dropped = aio::create_task(explode(), "exploder"); } // its Task is dropped: detached
    co_await aio::sleep(2s);
    CHECK(sink.count(Pitfall::exception_never_retrieved) == 1); // when it finished, not later
  };
  aio::run(main(), clock);
  REQUIRE(sink.count(Pitfall::exception_never_retrieved) == 1);
  CHECK_THAT(sink.reports().front().summary,
             Contains("task 'exploder' (coroutine 'explode') failed with std::runtime_error: boom"));
}

TEST_CASE("a failed task whose exception was read is not reported", "[ch04][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    Task<int> task = aio::create_task(explode());
    try {
      co_await task;
    } catch (const std::runtime_error&) {}
  };
  aio::run(main(), clock);
  CHECK(sink.reports().empty());
}

TEST_CASE("a blocking call inside a task is blamed on the coroutine that made it", "[ch04][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  aio::testing::ScopedThreshold threshold(20ms);
  aio::testing::ScopedDebugChecks checks(true);
  VirtualClock clock;
  aio::run(handler(), clock);
  REQUIRE(sink.count(Pitfall::blocked_loop) == 1);
  CHECK_THAT(sink.reports().front().summary, Contains("by coroutine 'fetch_data_blocking'"));
}

// Never run by itself: the CTest test "a task that never gives the loop back..." (CMakeLists.txt)
// runs it and expects the watchdog to stop the program within seconds, naming the coroutine.
Task<> spin_forever() {
  for (;;) std::this_thread::sleep_for(1ms); // forgot co_await aio::sleep: the loop never gets back
  co_return;
}
TEST_CASE("a task that never gives the loop back", "[.][stuck]") { aio::run(spin_forever()); }
