// Chapter 05 exercises. Compiled twice: against your files in exercises/05-gather-and-wait/
// (what ./course grade 05 runs) and against the reference answers in solutions/. Everything
// runs in aio::run on a VirtualClock, so every time below is exact; every test runs under the
// pitfall guard (a coroutine never awaited, an exception nobody read, a task left pending when
// aio::run returns: each fails the test, naming the culprit).
#include "first_successful.hpp"
#include "gather_limited.hpp"
#include "retry.hpp"

#include "aio/diagnostics.hpp"
#include "aio/gather.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"
#include "aio/testing/tasks.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using aio::Outcome;
using aio::Task;
using aio::VirtualClock;
using aio::testing::fail_after;
using aio::testing::ms_now;
using aio::testing::value_after;
using namespace std::chrono_literals;

namespace {

// Counts how many jobs run at once, and when each started.
struct Load : aio::testing::InFlight {
  std::vector<long long> started_ms;
};

Task<int> job(Load& load, aio::Duration takes, int value, bool fails = false) {
  load.started_ms.push_back(ms_now());
  {
    const auto slot = load.enter();
    co_await aio::sleep(takes);
  }
  if (fails) throw std::runtime_error("job " + std::to_string(value) + " failed");
  co_return value;
}

} // namespace

// ---- 5.1 gather_limited --------------------------------------------------------------------

AIO_TEST_CASE("gather_limited: never more than limit at once, and the next starts as soon as one ends", "[ex5.1]") {
  VirtualClock clock;
  Load load;
  const auto main = [&]() -> Task<> {
    std::vector<Task<int>> jobs;
    const int seconds[] = {3, 1, 1, 1, 2, 1};
    for (int i = 0; i < 6; ++i) jobs.push_back(job(load, std::chrono::seconds(seconds[i]), i));
    std::vector<Outcome<int>> outcomes = co_await gather_limited(std::move(jobs), 2);
    REQUIRE(outcomes.size() == 6);
    for (int i = 0; i < 6; ++i) CHECK(outcomes[i].value() == i); // in the order given
    CHECK(load.peak == 2);
    CHECK(load.started_ms == std::vector<long long>{0, 0, 1000, 2000, 3000, 3000});
    CHECK(ms_now() == 5000);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("gather_limited: a failure is an outcome, and the others still run", "[ex5.1]") {
  VirtualClock clock;
  Load load;
  const auto main = [&]() -> Task<> {
    std::vector<Task<int>> jobs;
    for (int i = 0; i < 5; ++i) jobs.push_back(job(load, 1s, i, i % 2 == 1));
    std::vector<Outcome<int>> outcomes = co_await gather_limited(std::move(jobs), 3);
    REQUIRE(outcomes.size() == 5);
    CHECK(outcomes[0].value() == 0);
    CHECK_THROWS_WITH(outcomes[1].value(), "job 1 failed");
    CHECK(outcomes[2].value() == 2);
    CHECK_THROWS_WITH(outcomes[3].value(), "job 3 failed");
    CHECK(outcomes[4].value() == 4);
    CHECK(load.peak == 3);
    CHECK(ms_now() == 2000);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("gather_limited: a limit above the count, nothing to run, and a limit of 0", "[ex5.1]") {
  VirtualClock clock;
  Load load;
  const auto main = [&]() -> Task<> {
    std::vector<Task<int>> jobs;
    for (int i = 0; i < 3; ++i) jobs.push_back(job(load, 1s, i));
    std::vector<Outcome<int>> all = co_await gather_limited(std::move(jobs), 10);
    CHECK(all.size() == 3);
    CHECK(load.peak == 3);
    CHECK(ms_now() == 1000);
    std::vector<Outcome<int>> none = co_await gather_limited(std::vector<Task<int>>{}, 2);
    CHECK(none.empty());
    CHECK_THROWS_AS(co_await gather_limited(std::vector<Task<int>>{}, 0), std::invalid_argument);
  };
  aio::run(main(), clock);
}

// ---- 5.2 first_successful ------------------------------------------------------------------

AIO_TEST_CASE("first_successful: the first success wins, after an earlier failure and the rest run on", "[ex5.2]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    std::vector<Task<std::string>> tasks;
    tasks.push_back(fail_after<std::string>(1s, "mirror 1 is down"));
    tasks.push_back(value_after<std::string>(3s, "mirror 2"));
    tasks.push_back(value_after<std::string>(2s, "mirror 3"));
    FirstSuccess<std::string> first = co_await first_successful(std::move(tasks));
    CHECK(first.value == "mirror 3");
    CHECK(ms_now() == 2000);
    REQUIRE(first.others.size() == 1);
    const std::string late = co_await first.others[0];
    CHECK(late == "mirror 2");
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("first_successful: when all fail, AllFailed has every error in the order they failed", "[ex5.2]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    std::vector<Task<std::string>> tasks;
    tasks.push_back(fail_after<std::string>(3s, "third"));
    tasks.push_back(fail_after<std::string>(1s, "first"));
    tasks.push_back(fail_after<std::string>(2s, "second"));
    try {
      co_await first_successful(std::move(tasks));
      FAIL("first_successful should have thrown");
    } catch (const AllFailed& e) {
      REQUIRE(e.errors().size() == 3);
      CHECK(aio::message_of(e.errors()[0]) == "first");
      CHECK(aio::message_of(e.errors()[1]) == "second");
      CHECK(aio::message_of(e.errors()[2]) == "third");
      CHECK(std::string(e.what()) == "all 3 tasks failed");
    }
    CHECK(ms_now() == 3000);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("first_successful: no tasks is an error and one task that succeeds at once wins", "[ex5.2]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    CHECK_THROWS_AS(co_await first_successful(std::vector<Task<std::string>>{}), std::invalid_argument);
    std::vector<Task<std::string>> one;
    one.push_back(value_after<std::string>(0s, "only"));
    FirstSuccess<std::string> first = co_await first_successful(std::move(one));
    CHECK(first.value == "only");
    CHECK(first.others.empty());
  };
  aio::run(main(), clock);
}

// ---- 5.3 retry -----------------------------------------------------------------------------

namespace {
// Fails until its `succeed_on`-th call; records when each call started.
struct Flaky {
  int succeed_on;
  std::vector<long long> calls_ms;
  Task<std::string> attempt() {
    calls_ms.push_back(ms_now());
    co_await aio::sleep(0s);
    if (static_cast<int>(calls_ms.size()) < succeed_on)
      throw std::runtime_error("attempt " + std::to_string(calls_ms.size()) + " failed");
    co_return "ok on attempt " + std::to_string(calls_ms.size());
  }
};
} // namespace

AIO_TEST_CASE("retry: fails twice, waits 100 ms then 200 ms, succeeds the third time", "[ex5.3]") {
  VirtualClock clock;
  Flaky flaky{3, {}};
  const auto main = [&]() -> Task<> {
    const std::string result = co_await retry([&] { return flaky.attempt(); }, Backoff{3, 100ms, 2.0});
    CHECK(result == "ok on attempt 3");
    CHECK(flaky.calls_ms == std::vector<long long>{0, 100, 300});
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("retry: rethrows the last failure once the attempts are used up, and tries no more", "[ex5.3]") {
  VirtualClock clock;
  Flaky flaky{10, {}};
  const auto main = [&]() -> Task<> {
    CHECK_THROWS_WITH(co_await retry([&] { return flaky.attempt(); }, Backoff{4, 50ms, 3.0}), "attempt 4 failed");
    CHECK(flaky.calls_ms == std::vector<long long>{0, 50, 200, 650});
    CHECK(ms_now() == 650); // no wait after the last failure
    flaky.calls_ms.clear();
    const std::string once = co_await retry([&] { return value_after<std::string>(0s, "first time"); }, Backoff{});
    CHECK(once == "first time");
    CHECK_THROWS_AS(co_await retry([&] { return flaky.attempt(); }, Backoff{0, 1s, 2.0}), std::invalid_argument);
    CHECK(flaky.calls_ms.empty());
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("retry: a cancellation goes straight through, with no retry", "[ex5.3]") {
  VirtualClock clock;
  int calls = 0;
  const auto main = [&]() -> Task<> {
    const auto slow = [&]() -> Task<std::string> {
      ++calls;
      co_await aio::sleep(10s);
      co_return "too late";
    };
    Task<std::string> retrying = aio::create_task(retry(slow, Backoff{5, 100ms, 2.0}));
    co_await aio::sleep(1s);
    retrying.cancel();
    CHECK_THROWS_AS(co_await retrying, aio::CancelledError);
    co_await aio::sleep(30s);
    CHECK(calls == 1);
  };
  aio::run(main(), clock);
}
