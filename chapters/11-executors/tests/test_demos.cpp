// Chapter 11's demos print what the lesson shows; the watchdog's fix names to_thread.
#include "demos.hpp"

#include "aio/run.hpp"
#include "aio/task.hpp"
#include "aio/thread_pool.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

using aio::testing::output_of;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using namespace std::chrono_literals;

AIO_TEST_CASE("Demo blocking_calls: the seeds' five blocking calls give [0, 2, 4, 6, 8]", "[ch11][demos][seeds]") {
  const std::string out = output_of([] { aio::demos::blocking_calls(20ms); });
  CHECK_THAT(out, StartsWith("[0, 2, 4, 6, 8]\n5 blocking calls of 0.02 s each took "));
  CHECK_THAT(out, Contains(" s: they ran at once, each on a thread of its own\n"));
}

TEST_CASE("Demo cpu_bound: the seeds' sum is 333333283333335000000, and the loop's own row is reported as blocking",
          "[ch11][demos][seeds]") {
  aio::testing::RecordingSink sink;
  aio::ScopedSink scoped(sink);
  const std::string out = output_of([] { aio::demos::cpu_bound(); });
  CHECK_THAT(out, StartsWith("Result: 333333283333335000000\n"));
  CHECK_THAT(out, Contains("| the loop's own thread ") && Contains("| 1 thread (run_in_executor) ") &&
                      Contains(" processes, a part each "));
  REQUIRE(sink.count(aio::Pitfall::blocked_loop) == 1); // the row that blocks the loop on purpose
  CHECK(std::string(sink.reports().front().origin.name()) == "compare_executors");
}

AIO_TEST_CASE("Demo blocking_sleep_fixed: three blocking fetches on threads, the loop never blocked", "[ch11][demos]") {
  CHECK_THAT(output_of([] { aio::demos::blocking_sleep_fixed(); }),
             StartsWith("co_await aio::to_thread(blocking call): Result-1 Result-2 Result-3 in about "));
}

TEST_CASE("Demo wrong_thread: call_soon from a thread is refused and reported, call_soon_threadsafe works",
          "[ch11][demos][pitfalls]") {
  aio::testing::RecordingSink sink;
  aio::ScopedSink scoped(sink);
  CHECK(output_of([] { aio::demos::wrong_thread(); }) ==
        "refused: a non-thread-safe operation of the event loop was called from another thread: use "
        "call_soon_threadsafe\n"
        "call_soon_threadsafe: the callback ran 1 time on the loop's thread\n");
  CHECK(sink.count(aio::Pitfall::wrong_thread) == 1);
}

AIO_TEST_CASE("Demo pipeline: printf's output fed to sort's input by the loop", "[ch11][demos][subprocess]") {
  CHECK(output_of([] { aio::demos::pipeline(); }) == "printf | sort:\napple\ncherry\nfig\npear\nexit codes 0 and 0\n");
}

TEST_CASE("Pitfall: a blocking sleep in a coroutine: the watchdog names the call and aio::to_thread",
          "[ch11][pitfalls][watchdog]") {
  aio::testing::AwaitableSink sink;
  aio::ScopedSink scoped(sink);
  aio::testing::ScopedStall stall(100ms, nullptr);
  std::string seen;
  std::thread observer([&] { seen = sink.wait_for("and still is", 5s); });
  const auto blocking = []() -> aio::Task<> {
    std::this_thread::sleep_for(400ms); // the mistake the report is about
    co_return;
  };
  aio::run(blocking());
  observer.join();
  CHECK_THAT(seen, Contains("its thread waits in clock_nanosleep(), a blocking call"));
  const std::string fix = sink.reports().empty() ? "" : sink.reports().front().fix;
  CHECK_THAT(fix, Contains("co_await aio::to_thread(call, args...)"));
}
