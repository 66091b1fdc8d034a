// Every pitfall of the seeds, made on purpose by chapter 09's demos: the program's output, and
// the report that names the mistake. Virtual time, except for the two that block the thread.
#include "demos.hpp"

#include "aio/clock.hpp"
#include "aio/diagnostics.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using aio::Pitfall;
using aio::VirtualClock;
using aio::testing::CaptureStdout;
using aio::testing::demo_output;
using aio::testing::RecordingSink;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

TEST_CASE("forgot co_await: the Task never runs and is reported with the coroutine's name and line",
          "[ch09][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scoped(sink);
  VirtualClock clock;
  CaptureStdout out;
  aio::demos::never_awaited(clock);
  const std::string expected = "co_await fetch_user(1) gave User1\n"
                               "fetch_user(2) without co_await gave a task that is not even started\n";
  CHECK(out.text() == expected);
  REQUIRE(sink.reports().size() == 1);
  const aio::PitfallReport report = sink.reports().front();
  CHECK(report.kind == Pitfall::never_run);
  CHECK(report.summary == "coroutine 'fetch_user' was never awaited");
  CHECK_THAT(report.origin.file, Contains("09-pitfalls-and-debugging/examples/demos.cpp"));
}

TEST_CASE("forgot co_await on a list of tasks: one report per task, then gather fetches all three at once",
          "[ch09][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scoped(sink);
  CHECK(demo_output(aio::demos::tasks_in_a_list) == "made 3 tasks; none has run, so there is no user yet\n"
                                                    "User0 User1 User2 in 0.10 s\n");
  CHECK(sink.count(Pitfall::never_run) == 3);
  CHECK(sink.reports().size() == 3);
}

TEST_CASE("blocking sleep: each std::this_thread::sleep_for is reported by name, and the fetches run one "
          "after another",
          "[ch09][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scoped(sink);
  CaptureStdout out;
  aio::demos::blocking_sleep(); // real time: 0.6 s, then 0.2 s
  CHECK_THAT(out.text(), Contains("std::this_thread::sleep_for: Result-1 Result-2 Result-3 in about 600 ms\n"));
  CHECK_THAT(out.text(), Contains("co_await aio::sleep:         Result-1 Result-2 Result-3 in about 200 ms\n"));
  REQUIRE(sink.count(Pitfall::blocked_loop) == 3); // once per blocking fetch, none for the others
  for (const aio::PitfallReport& report : sink.reports()) {
    CHECK_THAT(report.summary, Contains("by coroutine 'fetch_data'"));
    CHECK_THAT(report.fix, Contains("co_await aio::sleep"));
  }
}

TEST_CASE("blocking CPU work: one long step is reported and starves the heartbeat, slices are not", "[ch09][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scoped(sink);
  CaptureStdout out;
  aio::demos::blocking_cpu(); // real time
  CHECK(out.text() == "in one step of 150 ms: the heartbeat ran only once it was over\n"
                      "in 15 slices of 10 ms: the heartbeat ran meanwhile\n");
  REQUIRE(sink.reports().size() == 1);
  CHECK(sink.reports().front().kind == Pitfall::blocked_loop);
  CHECK_THAT(sink.reports().front().summary, Contains("by coroutine 'checksum'"));
}

TEST_CASE("swallowed CancelledError: the worker looks finished, not cancelled, and is reported, and the one "
          "that rethrows is cancelled",
          "[ch09][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scoped(sink);
  CHECK(demo_output(aio::demos::swallowed_cancel) == "working at 1.00 s\n"
                                                     "working at 2.00 s\n"
                                                     "cancelled at 2.50 s, cleaning up\n"
                                                     "stubborn worker: cancelled() is false\n"
                                                     "working at 1.00 s\n"
                                                     "cancelled at 1.50 s, cleaning up\n"
                                                     "polite worker: cancelled\n");
  REQUIRE(sink.reports().size() == 1);
  CHECK(sink.reports().front().kind == Pitfall::cancellation_swallowed);
  CHECK_THAT(sink.reports().front().summary, Contains("coroutine 'stubborn_worker'"));
}

TEST_CASE("aio::run from a normal function: works from main(), refused inside a running loop with the "
          "caller named",
          "[ch09][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scoped(sink);
  CHECK(demo_output(aio::demos::run_inside_loop) == "from main(): 3 users\n"
                                                    "refused: aio::run() cannot be called from a running event loop\n");
  REQUIRE(sink.reports().size() == 1); // the refused coroutine is not also reported as never awaited
  CHECK(sink.reports().front().kind == Pitfall::nested_run);
  CHECK(sink.reports().front().origin.name() == "count_users_sync");
}

TEST_CASE("aio::run in a loop of calls runs the jobs one after another: 0.50 s against 0.10 s for one run "
          "with gather",
          "[ch09][pitfall]") {
  VirtualClock clock;
  CaptureStdout out;
  aio::demos::run_in_a_loop(clock);
  const std::string jobs = "job 0 done\njob 1 done\njob 2 done\njob 3 done\njob 4 done\n";
  CHECK(out.text() == jobs + "aio::run per job: 0.50 s\n" + jobs + "one aio::run, gather: 0.10 s\n");
}

TEST_CASE("gather_settled: counting the results misses the failure, looking at each finds it", "[ch09][pitfall]") {
  CHECK(demo_output(aio::demos::settled_unchecked) == "wrong: 4 results, so all saved?\n"
                                                      "error: disk full while saving record 2\n"
                                                      "right: 3 of 4 saved\n");
}

TEST_CASE("a task's exception nobody retrieves is reported with the task, the coroutine and the error",
          "[ch09][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scoped(sink);
  CHECK(demo_output(aio::demos::never_retrieved) == "main carries on, unaware that the email was not sent\n");
  REQUIRE(sink.reports().size() == 1);
  CHECK(sink.reports().front().kind == Pitfall::exception_never_retrieved);
  CHECK_THAT(sink.reports().front().summary,
             Contains("(coroutine 'send_email') failed with std::runtime_error: SMTP server refused ada@example.com"));
}

TEST_CASE("deadlock: the report lists each task and the line it waits at, aio::run throws, and one lock "
          "order fixes it",
          "[ch09][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scoped(sink);
  CHECK(demo_output(aio::demos::deadlock) ==
        "aio::run threw: deadlock: the event loop has nothing to run and nothing to wait for\n"
        "alice 90, bob 110\n");
  REQUIRE(sink.reports().size() == 1);
  const aio::PitfallReport report = sink.reports().front();
  CHECK(report.kind == Pitfall::deadlock);
  CHECK_THAT(report.details, Contains("3 tasks are pending"));
  CHECK_THAT(report.details, Contains("task 'alice->bob' waits on a Lock\n"));
  CHECK_THAT(report.details, Contains("task 'bob->alice' waits on a Lock\n"));
  CHECK_THAT(report.details, Contains("at transfer, chapters/09-pitfalls-and-debugging/examples/demos.cpp:"));
  CHECK_THAT(report.details, Contains(": auto hold_second = co_await second.lock.scoped();"));
  CHECK_THAT(report.details, Contains("at transfers, chapters/09-pitfalls-and-debugging/examples/demos.cpp:"));
  CHECK_THAT(report.text(), Contains(report.details)); // what the guard and the default sink print
}

TEST_CASE("print_tasks: each request's async stack, three coroutines deep, and main awaiting a task", "[ch09][tool]") {
  VirtualClock clock;
  CaptureStdout out;
  aio::demos::task_dump(clock);
  const std::string text = out.text();
  CHECK_THAT(text, Contains("4 tasks are pending:\n"));
  CHECK_THAT(text, Contains("' awaits task 'request-1'\n    at task_dump_main, "));
  CHECK_THAT(text, Contains("  task 'request-2' is asleep: a timer will wake it\n"
                            "    at query, chapters/09-pitfalls-and-debugging/examples/demos.cpp:"));
  CHECK_THAT(text, Contains(": co_await sleep(1s);\n    at load_profile, "));
  CHECK_THAT(text, Contains(": std::string profile = co_await load_profile(user);\n"));
  CHECK_THAT(text, Contains("  task 'monitor' is running (it asked for this dump)\n    in monitor, "));
}
