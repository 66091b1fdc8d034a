// aio::run and run_until_complete: results, exceptions, exact virtual time, what is left over,
// deadlocks, nested runs; and the demos' output, which the lesson shows.
#include "demos.hpp"

#include "aio/future.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using aio::EventLoop;
using aio::Pitfall;
using aio::Task;
using aio::VirtualClock;
using aio::testing::CaptureStdout;
using aio::testing::demo_output;
using aio::testing::RecordingSink;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {
Task<int> forty_two() {
  co_await aio::sleep(1s);
  co_return 42;
}
Task<> fails() {
  co_await aio::sleep(1s);
  throw std::invalid_argument("bad input");
}
Task<> ticker(int& ticks, bool& cleaned_up) {
  struct Cleanup {
    bool& done;
    ~Cleanup() { done = true; }
  } cleanup{cleaned_up};
  for (;;) {
    co_await aio::sleep(1s);
    ++ticks;
  }
}
} // namespace

AIO_TEST_CASE("aio::run gives main's value, or rethrows main's exception", "[ch04][run]") {
  VirtualClock clock;
  CHECK(aio::run(forty_two(), clock) == 42);
  CHECK_THROWS_AS(aio::run(fails(), clock), std::invalid_argument);
}

AIO_TEST_CASE("run_until_complete runs a given loop until the task is done, and leaves it open", "[ch04][run]") {
  VirtualClock clock;
  EventLoop loop(clock);
  CHECK(aio::run_until_complete(loop, forty_two()) == 42);
  CHECK_FALSE(loop.is_closed());
  CHECK(aio::run_until_complete(loop, forty_two()) == 42);
}

TEST_CASE("tasks still pending when aio::run returns are reported by name and cancelled, and their cleanup runs",
          "[ch04][run][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  int ticks = 0;
  bool cleaned_up = false;
  const auto main = [&]() -> Task<> {
    aio::create_task(ticker(ticks, cleaned_up), "ticker").detach();
    co_await aio::sleep(2500ms);
  };
  aio::run(main(), clock);
  CHECK(ticks == 2);
  CHECK(cleaned_up);
  CHECK(clock.now().time_since_epoch() == 2500ms); // cancelled at once, not woken at 3 s
  REQUIRE(sink.count(Pitfall::destroyed_pending) == 1);
  CHECK_THAT(sink.reports().front().summary, Contains("task 'ticker' (coroutine 'ticker')"));
  CHECK_THAT(sink.reports().front().summary, Contains("still pending when aio::run() returned: it was cancelled"));
}

TEST_CASE("a main that waits on a future nobody sets is a deadlock, reported and thrown, not a hang",
          "[ch04][run][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    aio::Future<int> never;
    co_await never;
  };
  CHECK_THROWS_WITH(aio::run(main(), clock), Contains("deadlock"));
  CHECK(sink.count(Pitfall::deadlock) == 1);
  CHECK(sink.count(Pitfall::destroyed_pending) == 0); // main's failure is the news, not its frame
}

TEST_CASE("aio::run inside a running loop is refused, with the reason", "[ch04][run][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  CaptureStdout out;
  aio::demos::nested_run(clock);
  CHECK_THAT(out.text(), Contains("aio::run threw: aio::run() cannot be called from a running event loop"));
  CHECK_THAT(out.text(), Contains("co_await answer() gives 42"));
  REQUIRE(sink.count(Pitfall::nested_run) == 1);
  CHECK(std::string(sink.reports().front().origin.function) == "nested_run_main");
  CHECK(sink.reports().size() == 1); // no second report for the coroutine it was given
}

AIO_TEST_CASE("demo done: a task is not done until it has been awaited", "[ch04][demo]") {
  CHECK(demo_output(aio::demos::done) == "Task done: false\nTask done: true\nResult: Operation completed\n");
}

AIO_TEST_CASE("demo background: the seed's order, in 2.00 s", "[ch04][demo]") {
  CHECK(demo_output(aio::demos::background) == "Main: doing other work\n"
                                               "Task 1 started\n"
                                               "Task 2 started\n"
                                               "Task 2 completed\n"
                                               "Task 1 completed\n"
                                               "Results: Result from Task 1, Result from Task 2 (2.00 s)\n");
}

AIO_TEST_CASE("demo fetch_users: five users in 0.50 s", "[ch04][demo]") {
  CHECK(demo_output(aio::demos::fetch_users) == "Fetched 5 users in 0.50 s: User 1 ... User 5\n");
}

TEST_CASE("demo never_retrieved: a failure nobody looks at is reported with the task's name", "[ch04][demo][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  CaptureStdout out;
  aio::demos::never_retrieved(clock);
  REQUIRE(sink.count(Pitfall::exception_never_retrieved) == 1);
  const aio::PitfallReport report = sink.reports().front();
  CHECK_THAT(report.summary, Contains("(coroutine 'load_config') failed with std::runtime_error: config.toml"));
  CHECK(std::string(report.origin.function) == "load_config");
}

namespace {
// Counts how often the loop asks it; it has no sources, and waits for nothing.
class CountingSelector final : public aio::Selector {
public:
  bool has_sources() const noexcept override { return false; }
  std::size_t select(EventLoop&, std::optional<aio::Duration>) override {
    ++calls;
    return 0;
  }
  void wakeup() noexcept override {}
  int calls = 0;
};

Task<> callback_that_throws() {
  EventLoop::get_running_loop().call_soon([] { throw std::runtime_error("tick failed"); });
  co_await aio::sleep(1s);
}
} // namespace

AIO_TEST_CASE("aio::run takes its clock, its selector and its exception handler as options", "[ch04][run]") {
  VirtualClock clock;
  CountingSelector selector;
  std::vector<std::string> errors;
  aio::run(
      callback_that_throws(),
      {.clock = &clock, .selector = &selector, .on_exception = [&](EventLoop&, const aio::ExceptionContext& context) {
         errors.push_back(aio::message_of(context.error));
       }});
  CHECK(errors == std::vector<std::string>{"tick failed"}); // handled, and main went on to its end
  CHECK(clock.now() - aio::TimePoint{} == 1s);
  CHECK(selector.calls == 1); // the loop waits through it: asked once, before virtual time jumped to 1 s
}

AIO_TEST_CASE("aio::run with default options: a callback that throws is reported and main carries on", "[ch04][run]") {
  RecordingSink sink;
  aio::ScopedSink scoped(sink);
  VirtualClock clock;
  aio::run(callback_that_throws(), clock);
  REQUIRE(sink.count(Pitfall::callback_failed) == 1);
  CHECK_THAT(sink.reports().front().summary, Contains("failed with: tick failed"));
}
