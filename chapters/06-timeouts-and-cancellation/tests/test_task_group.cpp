// TaskGroup: waits for all, the first failure cancels the rest and the body, every failure is
// kept, an outside cancellation stops everything, nothing outlives the scope.
#include "aio/diagnostics.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/task_group.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using aio::Task;
using aio::TaskGroup;
using aio::VirtualClock;
using namespace std::chrono_literals;

namespace {

struct Log {
  std::vector<std::string> lines;
};

Task<int> child(Log& log, std::string name, aio::Duration takes, bool fails = false) {
  try {
    co_await aio::sleep(takes);
  } catch (const aio::CancelledError&) {
    log.lines.push_back(name + " cancelled");
    throw;
  }
  if (fails) throw std::runtime_error(name + " failed");
  log.lines.push_back(name + " done");
  co_return static_cast<int>(name.size());
}

} // namespace

AIO_TEST_CASE("task_group waits for every task after the body and gives the body's value", "[ch06][group]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    const int sum = co_await aio::task_group([&](TaskGroup& group) -> Task<int> {
      Task<int>& a = group.create_task(child(log, "a", 1s));
      group.create_task(child(log, "bb", 3s)); // not awaited by the body: the group does it
      const int got = co_await a;
      co_return got + 10;
    });
    CHECK(sum == 11);
    CHECK(clock.now().time_since_epoch() == 3s);
    CHECK(aio::all_tasks().size() == 1); // nothing outlived the scope
  };
  aio::run(main(), clock);
  CHECK(log.lines == std::vector<std::string>{"a done", "bb done"});
}

AIO_TEST_CASE("the first failure cancels the other tasks and the body and the group throws every failure",
              "[ch06][group]") {
  VirtualClock clock;
  Log log;
  bool body_finished = false;
  const auto main = [&]() -> Task<> {
    try {
      co_await aio::task_group([&](TaskGroup& group) -> Task<> {
        group.create_task(child(log, "slow", 5s));
        group.create_task(child(log, "bad", 1s, true));
        group.create_task(child(log, "also bad", 1s, true));
        co_await aio::sleep(10s);
        body_finished = true;
      });
      FAIL("the group should have thrown");
    } catch (const aio::ExceptionGroup& group) {
      REQUIRE(group.exceptions().size() == 2);
      CHECK(aio::message_of(group.exceptions()[0]) == "bad failed");
      CHECK(aio::message_of(group.exceptions()[1]) == "also bad failed");
      CHECK(std::string(group.what()) == "2 failures in a task group; the first: bad failed");
    }
    CHECK_FALSE(body_finished);
    CHECK(clock.now().time_since_epoch() == 1s);
    CHECK(aio::current_task()->cancelling() == 0); // the group took back its own cancellation
    co_await aio::sleep(1s);                       // and nothing stray arrives later
  };
  aio::run(main(), clock);
  CHECK(log.lines == std::vector<std::string>{"slow cancelled"});
}

AIO_TEST_CASE("a body that throws cancels the tasks and its error is in the group", "[ch06][group]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    try {
      co_await aio::task_group([&](TaskGroup& group) -> Task<> {
        group.create_task(child(log, "worker", 5s));
        co_await aio::sleep(1s);
        throw std::invalid_argument("body gave up");
      });
      FAIL("the group should have thrown");
    } catch (const aio::ExceptionGroup& group) {
      REQUIRE(group.exceptions().size() == 1);
      CHECK(aio::message_of(group.exceptions()[0]) == "body gave up");
    }
    CHECK(clock.now().time_since_epoch() == 1s);
  };
  aio::run(main(), clock);
  CHECK(log.lines == std::vector<std::string>{"worker cancelled"});
}

AIO_TEST_CASE("cancelling the task that runs a group cancels everything and throws CancelledError after cleanup",
              "[ch06][group]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    Task<> scope = aio::create_task(aio::task_group([&](TaskGroup& group) -> Task<> {
      group.create_task(child(log, "x", 5s));
      group.create_task(child(log, "y", 6s));
      co_return; // the body is done: the group is waiting for x and y
    }));
    co_await aio::sleep(1s);
    scope.cancel();
    CHECK_THROWS_AS(co_await scope, aio::CancelledError);
    CHECK(clock.now().time_since_epoch() == 1s);
  };
  aio::run(main(), clock);
  CHECK(log.lines == std::vector<std::string>{"x cancelled", "y cancelled"});
}

AIO_TEST_CASE("create_task on a group that is shutting down is refused", "[ch06][group]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    bool refused = false;
    try {
      co_await aio::task_group([&](TaskGroup& group) -> Task<> {
        group.create_task(child(log, "bad", 1s, true));
        try {
          co_await aio::sleep(5s);
        } catch (const aio::CancelledError&) {
          try {
            group.create_task(child(log, "late", 1s)).detach();
          } catch (const std::logic_error&) {
            refused = true;
          }
          throw;
        }
      });
    } catch (const aio::ExceptionGroup&) {}
    CHECK(refused);
  };
  aio::run(main(), clock);
}
