// Event, Condition and Barrier: waking, order, cancellation while waiting and after being
// woken, misuse.
#include "aio/barrier.hpp"
#include "aio/condition.hpp"
#include "aio/event.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using aio::Task;
using aio::VirtualClock;
using aio::testing::RecordingSink;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

using Log = std::vector<std::string>;

Task<> wait_event(aio::Event& event, Log& log, std::string name) {
  try {
    co_await event.wait();
    log.push_back(name);
  } catch (const aio::CancelledError&) {
    log.push_back(name + " cancelled");
    throw;
  }
}

} // namespace

AIO_TEST_CASE("Event: set() wakes every waiter in the order they came, and a set event does not wait",
              "[ch08][event]") {
  VirtualClock clock;
  aio::Event event;
  Log log;
  const auto main = [&]() -> Task<> {
    std::vector<Task<>> tasks;
    for (const char* name : {"a", "b", "c"}) tasks.push_back(aio::create_task(wait_event(event, log, name)));
    co_await aio::sleep(1s);
    CHECK(log.empty());
    event.set();
    for (auto& task : tasks) co_await task;
    CHECK(log == Log{"a", "b", "c"});
    co_await event.wait(); // set: returns at once
    event.clear();
    CHECK_FALSE(event.is_set());
    Task<> again = aio::create_task(wait_event(event, log, "d"));
    co_await aio::sleep(1s);
    CHECK(log.size() == 3); // cleared: d waits
    event.set();
    co_await again;
    CHECK(clock.now().time_since_epoch() == 2s);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Event: a waiter cancelled while waiting throws, the others are still woken", "[ch08][event][cancel]") {
  VirtualClock clock;
  aio::Event event;
  Log log;
  const auto main = [&]() -> Task<> {
    Task<> a = aio::create_task(wait_event(event, log, "a"));
    Task<> b = aio::create_task(wait_event(event, log, "b"));
    Task<> c = aio::create_task(wait_event(event, log, "c"));
    co_await aio::sleep(0s);
    a.cancel();
    event.set();
    b.cancel(); // woken, then cancelled before it ran: the cancellation wins
    CHECK_THROWS_AS(co_await a, aio::CancelledError);
    CHECK_THROWS_AS(co_await b, aio::CancelledError);
    co_await c;
    CHECK(log == Log{"a cancelled", "b cancelled", "c"});
  };
  aio::run(main(), clock);
}

TEST_CASE("Event: waiting on an event nobody will set ends the run as a reported deadlock, not a hang",
          "[ch08][event][misuse]") {
  RecordingSink sink;
  aio::ScopedSink scoped(sink);
  VirtualClock clock;
  aio::Event never;
  const auto main = [&]() -> Task<> { co_await never.wait(); };
  CHECK_THROWS_WITH(aio::run(main(), clock), Contains("deadlock"));
  CHECK(sink.count(aio::Pitfall::deadlock) == 1);
}

namespace {

// Under the condition's lock: waits until `items` is not empty, takes one.
Task<> take_one(aio::Condition& cond, std::vector<int>& items, Log& log, std::string name) {
  auto guard = co_await cond.scoped();
  try {
    co_await cond.wait_for([&] { return !items.empty(); });
  } catch (const aio::CancelledError&) {
    log.push_back(name + " cancelled, lock held: " + (cond.locked() ? "yes" : "no"));
    throw;
  }
  log.push_back(name + " took " + std::to_string(items.back()));
  items.pop_back();
}

} // namespace

AIO_TEST_CASE("Condition: notify() wakes the first waiter, which returns with the lock held", "[ch08][condition]") {
  VirtualClock clock;
  aio::Condition cond;
  std::vector<int> items;
  Log log;
  const auto main = [&]() -> Task<> {
    Task<> a = aio::create_task(take_one(cond, items, log, "a"));
    Task<> b = aio::create_task(take_one(cond, items, log, "b"));
    co_await aio::sleep(0s);
    CHECK_FALSE(cond.locked()); // both wait, the lock released
    {
      auto guard = co_await cond.scoped();
      items.push_back(1);
      cond.notify();
    }
    co_await a;
    CHECK(log == Log{"a took 1"});
    {
      auto guard = co_await cond.scoped();
      items.push_back(2);
      cond.notify_all();
    }
    co_await b;
    CHECK(log == Log{"a took 1", "b took 2"});
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Condition: cancelled while waiting, it takes the lock back before CancelledError goes on, and "
              "cancelled after a notify, the notification goes to the next waiter",
              "[ch08][condition][cancel]") {
  VirtualClock clock;
  aio::Condition cond;
  std::vector<int> items;
  Log log;
  const auto main = [&]() -> Task<> {
    Task<> a = aio::create_task(take_one(cond, items, log, "a"));
    Task<> b = aio::create_task(take_one(cond, items, log, "b"));
    Task<> c = aio::create_task(take_one(cond, items, log, "c"));
    co_await aio::sleep(0s);
    a.cancel();
    CHECK_THROWS_AS(co_await a, aio::CancelledError);
    {
      auto guard = co_await cond.scoped();
      items.push_back(7);
      cond.notify(); // wakes b...
    }
    b.cancel(); // ...cancelled before it runs: c is notified instead
    CHECK_THROWS_AS(co_await b, aio::CancelledError);
    co_await c;
    CHECK(log == Log{"a cancelled, lock held: yes", "b cancelled, lock held: yes", "c took 7"});
    CHECK_FALSE(cond.locked());
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Condition: wait() and notify() without the lock are clear errors", "[ch08][condition][misuse]") {
  VirtualClock clock;
  aio::Condition cond;
  const auto main = [&]() -> Task<> {
    CHECK_THROWS_WITH(co_await cond.wait(), Contains("the condition's lock is not held"));
    CHECK_THROWS_WITH(cond.notify(), Contains("the condition's lock is not held"));
    CHECK_THROWS_WITH(cond.notify_all(), Contains("the condition's lock is not held"));
  };
  aio::run(main(), clock);
}

namespace {

Task<std::size_t> arrive(aio::Barrier& barrier, aio::Duration after) {
  co_await aio::sleep(after);
  co_return co_await barrier.wait();
}

} // namespace

AIO_TEST_CASE("Barrier: the parties go on together, each with its place of arrival, round after round",
              "[ch08][barrier]") {
  VirtualClock clock;
  aio::Barrier barrier(3);
  const auto main = [&]() -> Task<> {
    for (int round = 0; round < 2; ++round) {
      Task<std::size_t> late = aio::create_task(arrive(barrier, 3s));
      Task<std::size_t> first = aio::create_task(arrive(barrier, 1s));
      Task<std::size_t> second = aio::create_task(arrive(barrier, 2s));
      const std::size_t first_place = co_await first;
      CHECK(clock.now().time_since_epoch() == (round + 1) * 3s); // nobody went on before the third
      CHECK(first_place == 0);
      const std::size_t second_place = co_await second;
      CHECK(second_place == 1);
      const std::size_t late_place = co_await late;
      CHECK(late_place == 2);
      CHECK(barrier.n_waiting() == 0);
    }
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Barrier: a party cancelled while waiting withdraws, so the round needs another",
              "[ch08][barrier][cancel]") {
  VirtualClock clock;
  aio::Barrier barrier(2);
  const auto main = [&]() -> Task<> {
    Task<std::size_t> quitter = aio::create_task(arrive(barrier, 0s));
    co_await aio::sleep(1s);
    CHECK(barrier.n_waiting() == 1);
    quitter.cancel();
    CHECK(barrier.n_waiting() == 0); // withdrawn at once, before its task has even run
    Task<std::size_t> a = aio::create_task(arrive(barrier, 1s));
    CHECK_THROWS_AS(co_await quitter, aio::CancelledError);
    Task<std::size_t> b = aio::create_task(arrive(barrier, 2s));
    const std::size_t place_a = co_await a;
    const std::size_t place_b = co_await b;
    CHECK(place_a == 0);
    CHECK(place_b == 1);
    CHECK(clock.now().time_since_epoch() == 3s);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE(
    "Barrier: abort() breaks it for the waiting and the later parties until reset(), and no parties is refused",
    "[ch08][barrier][misuse]") {
  VirtualClock clock;
  CHECK_THROWS_AS(aio::Barrier(0), std::invalid_argument);
  aio::Barrier barrier(3);
  const auto main = [&]() -> Task<> {
    Task<std::size_t> waiting = aio::create_task(arrive(barrier, 0s));
    co_await aio::sleep(1s);
    barrier.abort();
    CHECK(barrier.broken());
    CHECK_THROWS_AS(co_await waiting, aio::BrokenBarrierError);
    CHECK_THROWS_AS(co_await barrier.wait(), aio::BrokenBarrierError);
    barrier.reset();
    CHECK_FALSE(barrier.broken());
    Task<std::size_t> a = aio::create_task(arrive(barrier, 0s));
    co_await aio::sleep(1s);
    barrier.reset(); // a waiter is broken out by a reset too
    CHECK_THROWS_AS(co_await a, aio::BrokenBarrierError);
    CHECK(barrier.n_waiting() == 0);
  };
  aio::run(main(), clock);
}
