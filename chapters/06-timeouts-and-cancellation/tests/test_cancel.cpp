// Task::cancel(): where CancelledError is thrown, what is cancelled with the task, cleanup,
// the cancelled state, and the swallowed-cancellation report.
#include "aio/future.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

using aio::Task;
using aio::VirtualClock;
using aio::testing::RecordingSink;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

// Sleeps `delay`; records what happened to it.
struct Log {
  std::vector<std::string> lines;
};

Task<int> sleeper(Log& log, aio::Duration delay) {
  struct Cleanup {
    Log& log;
    ~Cleanup() { log.lines.push_back("cleanup"); }
  } cleanup{log};
  try {
    co_await aio::sleep(delay);
  } catch (const aio::CancelledError&) {
    log.lines.push_back("cancelled");
    throw;
  }
  log.lines.push_back("woke");
  co_return 1;
}

Task<int> await_future(aio::Future<int> future) { co_return co_await future; }
Task<int> await_task(Task<int>& task) { co_return co_await task; }

} // namespace

AIO_TEST_CASE("cancel() throws CancelledError at the sleep at once and the task ends cancelled", "[ch06][cancel]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    Task<int> task = aio::create_task(sleeper(log, 10s));
    co_await aio::sleep(1s);
    CHECK(task.cancel());
    CHECK_FALSE(task.done()); // delivered when it runs, on the next pass
    CHECK_THROWS_AS(co_await task, aio::CancelledError);
    CHECK(task.cancelled());
    CHECK_THROWS_AS(task.result(), aio::CancelledError);
    CHECK(clock.now().time_since_epoch() == 1s); // not 10 s
    CHECK_FALSE(task.cancel());                  // done: nothing to cancel
  };
  aio::run(main(), clock);
  CHECK(log.lines == std::vector<std::string>{"cancelled", "cleanup"});
}

AIO_TEST_CASE("cancelling a task cancels the future it awaits and the task it awaits", "[ch06][cancel]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    aio::Future<int> future;
    Task<int> on_future = aio::create_task(await_future(future));
    Task<int> inner = aio::create_task(sleeper(log, 10s));
    Task<int> outer = aio::create_task(await_task(inner));
    co_await aio::sleep(1s);
    on_future.cancel();
    outer.cancel();
    CHECK_THROWS_AS(co_await on_future, aio::CancelledError);
    CHECK(future.cancelled()); // as in asyncio: what a cancelled task awaited is cancelled
    CHECK_THROWS_AS(co_await outer, aio::CancelledError);
    CHECK(inner.cancelled()); // the cancellation went down the chain
  };
  aio::run(main(), clock);
  CHECK(log.lines == std::vector<std::string>{"cancelled", "cleanup"});
}

AIO_TEST_CASE("a task cancelled before its first step never runs its body", "[ch06][cancel]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    Task<int> task = aio::create_task(sleeper(log, 1s));
    CHECK(task.cancel());
    CHECK_THROWS_AS(co_await task, aio::CancelledError);
    Task<int> never_started = sleeper(log, 1s); // a coroutine, not a task: it ends cancelled
    CHECK(never_started.cancel());
    CHECK(never_started.cancelled());
  };
  aio::run(main(), clock);
  CHECK(log.lines.empty());
}

AIO_TEST_CASE("a task that cancels itself gets CancelledError at its next co_await", "[ch06][cancel]") {
  VirtualClock clock;
  int reached = 0;
  const auto main = [&]() -> Task<> {
    const auto self_cancel = [&]() -> Task<> {
      aio::current_task()->cancel();
      ++reached; // still running: cancel() never interrupts synchronous code
      co_await aio::sleep(1s);
      ++reached;
    };
    Task<> task = aio::create_task(self_cancel());
    CHECK_THROWS_AS(co_await task, aio::CancelledError);
    CHECK(clock.now().time_since_epoch() == 0s);
  };
  aio::run(main(), clock);
  CHECK(reached == 1);
}

AIO_TEST_CASE("cleanup may await after catching CancelledError and then rethrow", "[ch06][cancel]") {
  VirtualClock clock;
  std::vector<std::string> steps;
  const auto main = [&]() -> Task<> {
    const auto worker = [&]() -> Task<> {
      bool cancelled = false;
      try {
        co_await aio::sleep(10s);
      } catch (const aio::CancelledError&) {
        cancelled = true; // a handler cannot co_await: note it, and clean up after
      }
      if (cancelled) {
        co_await aio::sleep(200ms); // flush, close, say goodbye...
        steps.push_back("flushed");
        throw aio::CancelledError();
      }
    };
    Task<> task = aio::create_task(worker());
    co_await aio::sleep(1s);
    task.cancel();
    CHECK_THROWS_AS(co_await task, aio::CancelledError);
    CHECK(clock.now().time_since_epoch() == 1200ms);
  };
  aio::run(main(), clock);
  CHECK(steps == std::vector<std::string>{"flushed"});
}

AIO_TEST_CASE("cancelling() counts requests and uncancel() takes one back", "[ch06][cancel]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    Log log;
    Task<int> task = aio::create_task(sleeper(log, 1s));
    CHECK(task.cancelling() == 0);
    task.cancel();
    task.cancel();
    CHECK(task.cancelling() == 2);
    CHECK(task.uncancel() == 1);
    CHECK_THROWS_AS(co_await task, aio::CancelledError);
  };
  aio::run(main(), clock);
}

TEST_CASE("a task that swallows its cancellation is reported by name", "[ch06][cancel][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    const auto stubborn = []() -> Task<int> {
      try {
        co_await aio::sleep(10s);
      } catch (const aio::CancelledError&) {}
      co_return 7;
    };
    Task<int> task = aio::create_task(stubborn(), "stubborn");
    co_await aio::sleep(1s);
    task.cancel();
    const int value = co_await task;
    CHECK(value == 7);
    CHECK_FALSE(task.cancelled());
  };
  aio::run(main(), clock);
  REQUIRE(sink.count(aio::Pitfall::cancellation_swallowed) == 1);
  CHECK_THAT(sink.reports().front().summary, Contains("task 'stubborn'"));
  CHECK_THAT(sink.reports().front().fix, Contains("throw;"));
}

TEST_CASE("a cancellation asked for during the last step ends the task cancelled and is not a swallow",
          "[ch06][cancel][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    const auto quick = []() -> Task<int> {
      aio::current_task()->cancel();
      co_return 1; // no co_await left: asyncio ends such a task cancelled, and so does aio
    };
    Task<int> task = aio::create_task(quick());
    CHECK_THROWS_AS(co_await task, aio::CancelledError);
  };
  aio::run(main(), clock);
  CHECK(sink.reports().empty());
}
