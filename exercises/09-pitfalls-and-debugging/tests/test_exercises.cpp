// Chapter 09 exercises: four small programs, one bug each. Compiled twice: against your files in
// exercises/09-pitfalls-and-debugging/ (what ./course grade 09 runs) and against the reference
// answers in solutions/. Every test runs under the pitfall guard, so while the bug is there the
// failure names it: never awaited, blocked loop, swallowed cancellation, deadlock. Time is
// virtual: every instant below is exact.
#include "bank.hpp"
#include "dashboard.hpp"
#include "sensor.hpp"
#include "worker.hpp"

#include "aio/gather.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/timeout.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

using aio::Task;
using aio::VirtualClock;
using namespace std::chrono_literals;

namespace {

// Milliseconds on the loop's clock: a VirtualClock starts at 0.
long long ms_since_start(aio::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

} // namespace

AIO_TEST_CASE("9.1 dashboard: every name, in order, all fetched at once in 100 ms", "[ex9.1]") {
  VirtualClock clock;
  auto main_task = []() -> Task<> {
    std::vector<int> ids{3, 1, 2};
    std::vector<std::string> names = co_await load_dashboard(ids);
    const std::vector<std::string> expected{"user-3", "user-1", "user-2"};
    CHECK(names == expected);
    CHECK(ms_since_start(aio::EventLoop::get_running_loop().time()) == 100);
  };
  aio::run(main_task(), clock);
}

AIO_TEST_CASE("9.1 dashboard: a hundred users still take 100 ms", "[ex9.1]") {
  VirtualClock clock;
  auto main_task = []() -> Task<> {
    std::vector<int> ids;
    for (int id = 0; id < 100; ++id) ids.push_back(id);
    std::vector<std::string> names = co_await load_dashboard(ids);
    REQUIRE(names.size() == 100);
    CHECK(names[99] == "user-99");
    CHECK(ms_since_start(aio::EventLoop::get_running_loop().time()) == 100);
  };
  aio::run(main_task(), clock);
}

AIO_TEST_CASE("9.2 poll: one reading every interval on the loop's clock, the first at once", "[ex9.2]") {
  VirtualClock clock;
  auto main_task = []() -> Task<> {
    int next = 10;
    std::vector<Reading> readings = co_await poll([&next] { return next++; }, 3, 80ms);
    REQUIRE(readings.size() == 3);
    CHECK(readings[0].value == 10);
    CHECK(readings[2].value == 12);
    CHECK(ms_since_start(readings[0].at) == 0);
    CHECK(ms_since_start(readings[1].at) == 80);
    CHECK(ms_since_start(readings[2].at) == 160);
  };
  aio::run(main_task(), clock);
}

AIO_TEST_CASE("9.2 poll: the rest of the program runs while it waits between readings", "[ex9.2]") {
  VirtualClock clock;
  auto main_task = []() -> Task<> {
    std::vector<long long> beats;
    auto heartbeat = [&beats]() -> Task<> {
      for (int i = 0; i < 4; ++i) {
        co_await aio::sleep(30ms);
        beats.push_back(ms_since_start(aio::EventLoop::get_running_loop().time()));
      }
    };
    auto [readings, nothing] = co_await aio::gather(poll([] { return 1; }, 2, 80ms), heartbeat());
    (void)nothing;
    CHECK(readings.size() == 2);
    const std::vector<long long> expected{30, 60, 90, 120};
    CHECK(beats == expected);
  };
  aio::run(main_task(), clock);
}

AIO_TEST_CASE("9.3 process: stopped by a timeout after 2.5 s, it saves 2 jobs done and ends cancelled", "[ex9.3]") {
  VirtualClock clock;
  auto main_task = []() -> Task<> {
    Checkpoint checkpoint;
    bool timed_out = false;
    try {
      co_await aio::wait_for(process(5, checkpoint), 2500ms);
    } catch (const aio::TimeoutError&) {
      timed_out = true;
    }
    CHECK(timed_out);
    CHECK(checkpoint.saved);
    CHECK(checkpoint.jobs_done == 2);
    CHECK(ms_since_start(aio::EventLoop::get_running_loop().time()) == 2500);
  };
  aio::run(main_task(), clock);
}

AIO_TEST_CASE("9.3 process: cancelled as a task, it saves its progress and cancelled() is true", "[ex9.3]") {
  VirtualClock clock;
  auto main_task = []() -> Task<> {
    Checkpoint checkpoint;
    Task<int> worker = aio::create_task(process(10, checkpoint));
    co_await aio::sleep(3500ms);
    worker.cancel();
    auto [outcome] = co_await aio::gather_settled(std::move(worker));
    CHECK_FALSE(outcome.ok());
    CHECK(checkpoint.jobs_done == 3);
  };
  aio::run(main_task(), clock);
}

AIO_TEST_CASE("9.4 transfer: two transfers in opposite directions at once both finish, money kept", "[ex9.4]") {
  VirtualClock clock;
  auto main_task = []() -> Task<> {
    Account alice{"alice", 100, {}};
    Account bob{"bob", 100, {}};
    co_await aio::gather(transfer(alice, bob, 30), transfer(bob, alice, 20));
    CHECK(alice.balance == 90);
    CHECK(bob.balance == 110);
    CHECK(ms_since_start(aio::EventLoop::get_running_loop().time()) == 20); // one after the other
  };
  aio::run(main_task(), clock);
}

AIO_TEST_CASE("9.4 transfer: three accounts and transfers around the ring all finish", "[ex9.4]") {
  VirtualClock clock;
  auto main_task = []() -> Task<> {
    Account a{"a", 100, {}};
    Account b{"b", 100, {}};
    Account c{"c", 100, {}};
    co_await aio::gather(transfer(a, b, 10), transfer(b, c, 20), transfer(c, a, 30));
    CHECK(a.balance == 120);
    CHECK(b.balance == 90);
    CHECK(c.balance == 90);
  };
  aio::run(main_task(), clock);
}
