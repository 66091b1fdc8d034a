// The chapter's pitfall detectors: each fires, with the culprit's name and the fix, on faulty
// code, and stays silent on correct code. The blocked-loop tests block for real: that is the
// behaviour under test.
#include "demos.hpp"
#include "genloop/event_loop.hpp"
#include "genloop/fibonacci_machine.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

using aio::Pitfall;
using aio::testing::CaptureStdout;
using aio::testing::RecordingSink;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

genloop::Generator<int> sleepy(std::chrono::milliseconds per_step, int steps) {
  for (int i = 0; i < steps; ++i) {
    std::this_thread::sleep_for(per_step); // the blocking call under test
    co_yield i;
  }
}
} // namespace

TEST_CASE("a generator destroyed without ever running is reported with its name and file", "[ch01][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  { auto forgotten = genloop::demos::squares(3); }
  REQUIRE(sink.count(Pitfall::never_run) == 1);
  const auto report = sink.reports().front();
  CHECK(report.summary == "generator 'squares' was created but never run");
  CHECK_THAT(report.text(), Contains("chapters/01-generator-loop/examples/demos.cpp:"));
  CHECK_THAT(report.fix, Contains("loop.add"));
}

TEST_CASE("generators that ran, were iterated or were moved from are not reported", "[ch01][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  CaptureStdout quiet;
  {
    genloop::EventLoop loop(nullptr);
    loop.add(genloop::demos::fibonacci(2));
    loop.run_forever();
  }
  for ([[maybe_unused]] int v : genloop::demos::squares(2)) {}
  {
    auto gen = genloop::demos::squares(1);
    auto taken = std::move(gen);
    while (taken.resume()) {}
  }
  CHECK(sink.reports().empty());
}

TEST_CASE("a step that blocks is reported with the generator, its step and the time lost", "[ch01][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  aio::testing::ScopedThreshold threshold(20ms);
  genloop::EventLoop loop(nullptr);
  loop.add(sleepy(1ms, 1));  // quick: stays silent
  loop.add(sleepy(60ms, 2)); // blocks: reported for each of its two steps
  loop.run_forever();
  REQUIRE(sink.count(Pitfall::blocked_loop) == 2);
  const auto report = sink.reports().front();
  CHECK_THAT(report.summary, Contains("the loop was blocked for "));
  CHECK_THAT(report.summary, Contains(" ms by generator 'sleepy' in its step 1 (limit 20 ms)"));
  CHECK_THAT(report.fix, Contains("sleep_for"));
  CHECK(std::string(report.origin.file) == "chapters/01-generator-loop/tests/test_pitfalls.cpp");
}

TEST_CASE("with debug checks off, the loop does not time its steps", "[ch01][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  aio::testing::ScopedThreshold threshold(1ms);
  aio::testing::ScopedDebugChecks off(false);
  genloop::EventLoop loop(nullptr);
  loop.add(sleepy(5ms, 1));
  loop.run_forever();
  CHECK(sink.reports().empty());
}

TEST_CASE("a loop dropped with unfinished generators reports each one it had started", "[ch01][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  CaptureStdout quiet;
  {
    genloop::EventLoop loop(nullptr);
    loop.add(genloop::FibonacciMachine(5));
    loop.add(genloop::FibonacciMachine(5));
    loop.run_once(); // starts the first only
  }
  REQUIRE(sink.count(Pitfall::destroyed_pending) == 1);
  CHECK(sink.reports().front().summary ==
        "generator 'FibonacciMachine' was destroyed after 1 step(s), before it finished");
}

TEST_CASE("running the loop from inside one of its own steps is refused and reported", "[ch01][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  genloop::EventLoop loop(nullptr);
  auto reentrant = [](genloop::EventLoop& l) -> genloop::Generator<int> {
    l.run_forever(); // wrong: we are inside l's step
    co_yield 0;
  };
  loop.add(reentrant(loop));
  CHECK_THROWS_AS(loop.run_forever(), std::logic_error);
  REQUIRE(sink.count(Pitfall::nested_run) == 1);
  CHECK_THAT(sink.reports().front().fix, Contains("loop.add()"));
}

// The step under test waits for the watchdog's report: proof that it came while the step ran.
genloop::Generator<int> waits_for_the_watchdog(aio::testing::AwaitableSink& sink, std::string& seen) {
  seen = sink.wait_for("and still is", std::chrono::seconds(5)); // blocks the loop, on purpose
  co_yield 0;
}

TEST_CASE("the watchdog names a step that is still blocked, while it is", "[ch01][pitfall][watchdog]") {
  aio::testing::AwaitableSink sink;
  aio::ScopedSink scope(sink);
  aio::testing::ScopedStall stall(100ms, nullptr);
  std::string seen;
  genloop::EventLoop loop(nullptr);
  loop.add(waits_for_the_watchdog(sink, seen));
  loop.run_forever();
  CHECK_THAT(seen, Contains("the loop has been blocked for "));
  CHECK_THAT(seen, Contains(" by generator 'waits_for_the_watchdog', and still is"));
}

// Never run by itself: the CTest test "a step that never returns..." (CMakeLists.txt) runs it
// and expects the watchdog to stop the program within seconds, naming the generator.
genloop::Generator<int> never_returns() {
  std::this_thread::sleep_for(std::chrono::hours(1)); // a call that does not come back
  co_yield 0;
}
TEST_CASE("a step that never returns", "[.][stuck]") {
  genloop::EventLoop loop(nullptr);
  loop.add(never_returns());
  loop.run_forever();
}

TEST_CASE("the guard turns a reported pitfall into a failure naming it", "[ch01][pitfall][!shouldfail]") {
  aio::testing::run_guarded([] { auto forgotten = genloop::demos::squares(1); });
}
