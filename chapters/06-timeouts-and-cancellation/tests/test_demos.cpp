// Chapter 06's demos in virtual time: the seeds' scenarios, with their exact output and timings.
#include "demos.hpp"

#include "aio/clock.hpp"
#include "aio/diagnostics.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

using aio::VirtualClock;
using aio::testing::CaptureStdout;
using aio::testing::demo_output;
using aio::testing::RecordingSink;

AIO_TEST_CASE("wait_for: the 5 s operation times out at exactly 2.00 s after its cleanup", "[ch06][demo]") {
  VirtualClock clock;
  CaptureStdout out;
  aio::demos::wait_for(clock);
  CHECK(out.text() == "slow_operation: cleaned up at 2.00 s\n"
                      "Operation timed out at 2.00 s\n");
}

AIO_TEST_CASE("timeout_scope: the deadline moves once and the download still times out at 2.00 s", "[ch06][demo]") {
  VirtualClock clock;
  CaptureStdout out;
  aio::demos::timeout_scope(clock);
  CHECK(out.text() == "chunk 1 at 0.70 s\n"
                      "deadline moved to 2.00 s\n"
                      "chunk 2 at 1.40 s\n"
                      "timed out at 2.00 s\n");
}

AIO_TEST_CASE("cancellable_worker: three Working... then its cleanup and a cancelled task", "[ch06][demo]") {
  CHECK(demo_output(aio::demos::cancellable_worker) == "Working...\nWorking...\nWorking...\n"
                                                       "Task cancelled, cleaning up...\n"
                                                       "main: worker cancelled at 3.50 s, cancelled() = true\n");
}

TEST_CASE("swallowed: the worker that catches CancelledError and returns is reported", "[ch06][demo][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  CHECK(demo_output(aio::demos::swallowed) ==
        "stubborn_worker: cancelled after 2 steps, but carries on\n"
        "main: the worker returned 2 and was not cancelled: cancelled() = false\n");
  CHECK(sink.count(aio::Pitfall::cancellation_swallowed) == 1);
}

AIO_TEST_CASE("shield: the caller gives up at 1.00 s and the save finishes at 3.00 s", "[ch06][demo]") {
  CHECK(demo_output(aio::demos::shield) == "caller: gave up waiting at 1.00 s; the save goes on\n"
                                           "save_document: saved at 3.00 s\n");
}

AIO_TEST_CASE("task_group: orders fails at 1 s and user and profile are cancelled then", "[ch06][demo]") {
  CHECK(demo_output(aio::demos::task_group) ==
        "user: cancelled at 1.00 s\n"
        "profile: cancelled at 1.00 s\n"
        "group failed at 1.00 s: 1 failure in a task group; the first: orders: server error 500\n");
}
