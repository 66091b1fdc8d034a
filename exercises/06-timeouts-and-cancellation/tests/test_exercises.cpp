// Chapter 06 exercises. Compiled twice: against your files in exercises/06-timeouts-and-cancellation/
// (what ./course grade 06 runs) and against the reference answers in solutions/. Everything
// runs in aio::run on a VirtualClock, so every time below is exact; every test runs under the
// pitfall guard (a coroutine never awaited, an exception nobody read, a swallowed cancellation,
// a task left pending when aio::run returns: each fails the test, naming the culprit).
#include "deadline.hpp"
#include "first_completed.hpp"
#include "shutdown.hpp"

#include "aio/diagnostics.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/timeout.hpp"

#include "aio/testing/guard.hpp"
#include "aio/testing/tasks.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using aio::Task;
using aio::VirtualClock;
using aio::testing::ms_now;
using namespace std::chrono_literals;

namespace {

struct Log {
  std::vector<std::string> lines;
};

// Takes `takes`; when cancelled, spends `cleanup` cleaning up (which may fail), then rethrows.
Task<std::string> step(Log& log, std::string name, aio::Duration takes, aio::Duration cleanup = 0s,
                       bool cleanup_fails = false) {
  log.lines.push_back(name + " started");
  bool cancelled = false;
  try {
    co_await aio::sleep(takes);
  } catch (const aio::CancelledError&) {
    cancelled = true;
  }
  if (cancelled) {
    co_await aio::sleep(cleanup);
    log.lines.push_back(name + " cleaned up at " + std::to_string(ms_now()));
    if (cleanup_fails) throw std::runtime_error(name + ": cleanup failed");
    throw aio::CancelledError();
  }
  co_return name;
}

Task<> worker(Log& log, std::string name, aio::Duration cleanup, bool cleanup_fails = false) {
  co_await step(log, name, 1h, cleanup, cleanup_fails);
}

} // namespace

// ---- 6.1 Deadline --------------------------------------------------------------------------

AIO_TEST_CASE("Deadline: steps share one budget and the one running at its end is cancelled at 2.5 s", "[ex6.1]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    Deadline deadline(2500ms);
    const std::string a = co_await deadline.run(step(log, "a", 1s));
    CHECK(a == "a");
    CHECK(deadline.remaining() == 1500ms);
    const std::string b = co_await deadline.run(step(log, "b", 1s));
    CHECK(b == "b");
    CHECK_THROWS_AS(co_await deadline.run(step(log, "c", 1s)), aio::TimeoutError);
    CHECK(ms_now() == 2500);
    CHECK(deadline.remaining() <= 0s);
  };
  aio::run(main(), clock);
  CHECK(log.lines == std::vector<std::string>{"a started", "b started", "c started", "c cleaned up at 2500"});
}

AIO_TEST_CASE("Deadline: with nothing left a step is refused at once and never runs", "[ex6.1]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    Deadline deadline(1s);
    co_await aio::sleep(2s);
    CHECK_THROWS_AS(co_await deadline.run(step(log, "late", 1s)), aio::TimeoutError);
    CHECK(ms_now() == 2000);
  };
  aio::run(main(), clock); // and no "never awaited" report for the refused step
  CHECK(log.lines.empty());
}

AIO_TEST_CASE("Deadline: the budget runs from its creation and not from each step", "[ex6.1]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    Deadline deadline(3s);
    co_await aio::sleep(2s); // time spent outside any step counts too
    CHECK(deadline.remaining() == 1s);
    CHECK_THROWS_AS(co_await deadline.run(step(log, "slow", 2s)), aio::TimeoutError);
    CHECK(ms_now() == 3000);
  };
  aio::run(main(), clock);
}

// ---- 6.2 shutdown --------------------------------------------------------------------------

AIO_TEST_CASE("shutdown: every worker is cancelled and shutdown returns once the slowest cleanup is done", "[ex6.2]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    std::vector<Task<>> workers;
    workers.push_back(aio::create_task(worker(log, "w1", 100ms)));
    workers.push_back(aio::create_task(worker(log, "w2", 300ms)));
    workers.push_back(aio::create_task(worker(log, "w3", 200ms)));
    co_await aio::sleep(1s);
    const std::vector<std::exception_ptr> errors = co_await shutdown(std::move(workers));
    CHECK(errors.empty());
    CHECK(ms_now() == 1300);
  };
  aio::run(main(), clock);
  CHECK(log.lines == std::vector<std::string>{"w1 started", "w2 started", "w3 started", "w1 cleaned up at 1100",
                                              "w3 cleaned up at 1200", "w2 cleaned up at 1300"});
}

AIO_TEST_CASE("shutdown: a cleanup that fails and a worker that had failed already are both given back in order",
              "[ex6.2]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    const auto failed_early = []() -> Task<> {
      co_await aio::sleep(100ms);
      throw std::runtime_error("early failure");
    };
    std::vector<Task<>> workers;
    workers.push_back(aio::create_task(worker(log, "fine", 0s)));
    workers.push_back(aio::create_task(worker(log, "broken", 50ms, true)));
    workers.push_back(aio::create_task(failed_early()));
    co_await aio::sleep(1s);
    const std::vector<std::exception_ptr> errors = co_await shutdown(std::move(workers));
    REQUIRE(errors.size() == 2);
    CHECK(aio::message_of(errors[0]) == "broken: cleanup failed");
    CHECK(aio::message_of(errors[1]) == "early failure");
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("shutdown: workers that never started and an empty list", "[ex6.2]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    std::vector<Task<>> workers;
    workers.push_back(worker(log, "lazy", 0s)); // a coroutine nobody started
    const std::vector<std::exception_ptr> errors = co_await shutdown(std::move(workers));
    CHECK(errors.empty());
    const std::vector<std::exception_ptr> none = co_await shutdown({});
    CHECK(none.empty());
    CHECK(ms_now() == 0);
  };
  aio::run(main(), clock);
  CHECK(log.lines.empty()); // cancelled before it ran a line
}

// ---- 6.3 first_completed -------------------------------------------------------------------

AIO_TEST_CASE("first_completed: the fastest wins and the losers are cancelled and cleaned up before it returns",
              "[ex6.3]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    std::vector<Task<std::string>> tasks;
    tasks.push_back(step(log, "slow", 5s, 200ms));
    tasks.push_back(step(log, "fast", 1s));
    tasks.push_back(step(log, "slower", 9s, 100ms));
    const std::string winner = co_await first_completed(std::move(tasks));
    CHECK(winner == "fast");
    CHECK(ms_now() == 1200); // the losers' cleanup is done
    CHECK(aio::all_tasks().size() == 1);
  };
  aio::run(main(), clock);
  CHECK(log.lines == std::vector<std::string>{"slow started", "fast started", "slower started",
                                              "slower cleaned up at 1100", "slow cleaned up at 1200"});
}

AIO_TEST_CASE("first_completed: a failure that comes first is thrown and the losers are still stopped", "[ex6.3]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    const auto fails = []() -> Task<std::string> {
      co_await aio::sleep(500ms);
      throw std::runtime_error("no route to host");
    };
    std::vector<Task<std::string>> tasks;
    tasks.push_back(step(log, "a", 2s));
    tasks.push_back(fails());
    CHECK_THROWS_WITH(co_await first_completed(std::move(tasks)), "no route to host");
    CHECK(ms_now() == 500);
  };
  aio::run(main(), clock);
  CHECK(log.lines == std::vector<std::string>{"a started", "a cleaned up at 500"});
}

AIO_TEST_CASE("first_completed: a loser whose cleanup fails is read and dropped and none is an error", "[ex6.3]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    std::vector<Task<std::string>> tasks;
    tasks.push_back(step(log, "winner", 1s));
    tasks.push_back(step(log, "messy", 3s, 0s, true));
    const std::string winner = co_await first_completed(std::move(tasks));
    CHECK(winner == "winner");
    CHECK_THROWS_AS(co_await first_completed(std::vector<Task<std::string>>{}), std::invalid_argument);
  };
  aio::run(main(), clock);
}
