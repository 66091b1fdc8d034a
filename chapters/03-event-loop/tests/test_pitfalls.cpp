// Chapter 03's pitfall reports: a deadlock instead of a hang, a blocking callback named by the
// function that scheduled it, a second loop refused, and a callback that never returns.
#include "demos.hpp"

#include "aio/event_loop.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

using aio::EventLoop;
using aio::Pitfall;
using aio::VirtualClock;
using aio::testing::CaptureStdout;
using aio::testing::RecordingSink;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {
void schedule_slow_work(EventLoop& loop) {
  loop.call_soon([] { std::this_thread::sleep_for(60ms); }); // the blocking call under test
}
} // namespace

TEST_CASE("run_forever with nothing to run and nothing to wait for reports a deadlock", "[ch03][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  CaptureStdout out;
  aio::demos::deadlock();
  CHECK_THAT(out.text(), Contains("run_forever() threw: deadlock"));
  REQUIRE(sink.count(Pitfall::deadlock) == 1);
  CHECK_THAT(sink.reports().front().summary, Contains("nothing could call stop()"));
}

TEST_CASE("a callback that blocks is named by the function that scheduled it", "[ch03][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  aio::testing::ScopedThreshold threshold(20ms);
  VirtualClock clock;
  EventLoop loop(clock);
  schedule_slow_work(loop);
  loop.call_soon([&] { loop.stop(); });
  loop.run_forever();
  REQUIRE(sink.count(Pitfall::blocked_loop) == 1);
  const auto report = sink.reports().front();
  CHECK_THAT(report.summary, Contains(" ms by callback from 'schedule_slow_work' (limit 20 ms)"));
  CHECK(std::string(report.origin.file) == "chapters/03-event-loop/tests/test_pitfalls.cpp");
}

TEST_CASE("a second loop cannot run inside a running one", "[ch03][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  EventLoop outer(clock);
  outer.call_soon([&] {
    EventLoop inner(clock);
    inner.call_soon([&] { inner.stop(); });
    CHECK_THROWS_AS(inner.run_forever(), std::logic_error);
    outer.stop();
  });
  outer.run_forever();
  CHECK(sink.count(Pitfall::nested_run) == 1);
}

// Never run by itself: the CTest test "a callback that never returns..." (CMakeLists.txt) runs it
// and expects the watchdog to stop the program within seconds, naming who scheduled it.
void schedule_stuck_callback(EventLoop& loop) {
  loop.call_soon([] { std::this_thread::sleep_for(std::chrono::hours(1)); });
}
TEST_CASE("a callback that never returns", "[.][stuck]") {
  EventLoop loop;
  schedule_stuck_callback(loop);
  loop.run_forever();
}
