// Chapter 02's pitfall detectors: a forgotten co_await and a blocking call are each reported
// with the culprit's name, and correct code stays silent. Blocking tests block for real: that
// is the behaviour under test.
#include "demos.hpp"

#include "coro/event_loop.hpp"
#include "coro/sleep.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

using aio::Pitfall;
using aio::testing::CaptureStdout;
using aio::testing::RecordingSink;
using Catch::Matchers::Contains;
using coro::Task;
using coro::VirtualClock;
using namespace std::chrono_literals;

namespace {

Task<int> blocks_for(std::chrono::milliseconds how_long) {
  std::this_thread::sleep_for(how_long); // the blocking call under test
  co_return 1;
}
Task<> calls_a_blocker() { co_await blocks_for(60ms); }

Task<int> busy_for(std::chrono::milliseconds how_long) {
  std::this_thread::sleep_for(how_long);
  co_return 1;
}
Task<> many_small_blocks() {
  for (int i = 0; i < 8; ++i) co_await busy_for(5ms); // each slice is short; the step is not
}
} // namespace

TEST_CASE("a task created and never awaited is reported with its name and file", "[ch02][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  { auto forgotten = coro::demos::get_user(2); }
  REQUIRE(sink.count(Pitfall::never_run) == 1);
  const auto report = sink.reports().front();
  CHECK(report.summary == "coroutine 'get_user' was never awaited");
  CHECK(std::string(report.origin.file) == "chapters/02-coroutine-loop/examples/demos.cpp");
  CHECK_THAT(report.fix, Contains("co_await"));
}

TEST_CASE("the forgot-co_await demo reports the task it kept and each task in its list", "[ch02][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  CaptureStdout out;
  coro::demos::forgot_await();
  CHECK(sink.count(Pitfall::never_run) == 4);
  CHECK(sink.reports().size() == 4);
  CHECK_THAT(out.text(), Contains("user 1: User1"));
}

AIO_TEST_CASE("awaited, spawned and moved-from tasks are not reported", "[ch02][pitfall]") {
  VirtualClock clock;
  auto user = coro::run(coro::demos::get_user(1), clock);
  CHECK(user.name == "User1");
  coro::EventLoop loop(clock);
  loop.spawn([]() -> Task<> { co_await coro::sleep(1s); }());
  loop.run_forever();
  auto task = coro::demos::get_user(3);
  auto taken = std::move(task);
  (void)coro::run(std::move(taken), clock);
}

TEST_CASE("a blocking call is blamed on the coroutine that made it, with the time lost", "[ch02][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  aio::testing::ScopedThreshold threshold(20ms);
  VirtualClock clock;
  coro::run(calls_a_blocker(), clock);
  REQUIRE(sink.count(Pitfall::blocked_loop) == 1);
  const auto report = sink.reports().front();
  CHECK_THAT(report.summary, Contains("the loop was blocked for "));
  CHECK_THAT(report.summary, Contains(" ms by coroutine 'blocks_for' (limit 20 ms)"));
  CHECK_THAT(report.fix, Contains("co_await coro::sleep"));
  CHECK(std::string(report.origin.file) == "chapters/02-coroutine-loop/tests/test_pitfalls.cpp");
}

TEST_CASE("many short blocking slices that hold the loop too long blame the resumed coroutine", "[ch02][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  aio::testing::ScopedThreshold threshold(20ms);
  VirtualClock clock;
  coro::run(many_small_blocks(), clock);
  REQUIRE(sink.count(Pitfall::blocked_loop) == 1);
  CHECK_THAT(sink.reports().front().summary, Contains("by coroutine 'many_small_blocks'"));
}

TEST_CASE("the blocking demo takes 3 s instead of 1 s and names fetch_data_blocking", "[ch02][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  CaptureStdout out;
  coro::demos::blocking_sleep();
  CHECK_THAT(out.text(), Contains("Total: 3.0"));
  REQUIRE(sink.count(Pitfall::blocked_loop) == 3);
  CHECK_THAT(sink.reports().front().summary, Contains("coroutine 'fetch_data_blocking'"));
}

Task<> child_waits(aio::testing::AwaitableSink& sink, std::string& seen) {
  seen = sink.wait_for("and still is", std::chrono::seconds(5)); // blocks the loop, on purpose
  co_return;
}
Task<> parent_of_waiter(aio::testing::AwaitableSink& sink, std::string& seen) { co_await child_waits(sink, seen); }

TEST_CASE("the watchdog names the coroutine that is blocking the loop, while it does", "[ch02][pitfall][watchdog]") {
  aio::testing::AwaitableSink sink;
  aio::ScopedSink scope(sink);
  aio::testing::ScopedStall stall(100ms, nullptr);
  std::string seen;
  VirtualClock clock;
  coro::run(parent_of_waiter(sink, seen), clock);
  CHECK_THAT(seen, Contains(" by coroutine 'child_waits', and still is"));
}

// Never run by itself: the CTest test "an endless loop..." (CMakeLists.txt) runs it and expects
// the watchdog to stop the program within seconds, naming the coroutine.
Task<> spins_forever() {
  for (volatile bool forever = true; forever;) {} // forgot to co_await anything: the loop never gets control back
  co_return;
}
TEST_CASE("an endless loop in a coroutine", "[.][stuck]") {
  VirtualClock clock;
  coro::run(spins_forever(), clock);
}

AIO_TEST_CASE("long virtual sleeps never count as blocking", "[ch02][pitfall]") {
  VirtualClock clock;
  coro::run([]() -> Task<> { co_await coro::sleep(24h); }(), clock);
  CHECK(clock.now().time_since_epoch() == 24h);
}

TEST_CASE("a loop dropped with a task it started reports the task", "[ch02][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  {
    coro::EventLoop loop(clock);
    loop.spawn([]() -> Task<> { co_await coro::sleep(1s); }());
  } // never run
  REQUIRE(sink.count(Pitfall::destroyed_pending) == 1);
  CHECK_THAT(sink.reports().front().summary, Contains("was destroyed before it finished"));
}
