// Lock, Semaphore and BoundedSemaphore: exclusion, first come first served, cancellation while
// waiting and while being handed over, misuse.
#include "aio/lock.hpp"
#include "aio/run.hpp"
#include "aio/semaphore.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"
#include "aio/testing/tasks.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using aio::Task;
using aio::VirtualClock;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

using Log = std::vector<std::string>;

// Takes `lock`, notes it, holds it for `hold`, releases it (through the guard).
Task<> hold_for(aio::Lock& lock, Log& log, std::string name, aio::Duration hold) {
  auto guard = co_await lock.scoped();
  log.push_back(name);
  co_await aio::sleep(hold);
}

// Waits for `lock` and notes whether it got it or was cancelled.
Task<> wait_for_lock(aio::Lock& lock, Log& log, std::string name) {
  try {
    auto guard = co_await lock.scoped();
    log.push_back(name + " got it");
  } catch (const aio::CancelledError&) {
    log.push_back(name + " cancelled");
    throw;
  }
}

} // namespace

AIO_TEST_CASE("Lock: one holder at a time, the waiters served in the order they came", "[ch08][lock]") {
  VirtualClock clock;
  aio::Lock lock;
  Log log;
  const auto main = [&]() -> Task<> {
    std::vector<Task<>> tasks;
    for (const char* name : {"a", "b", "c", "d"}) tasks.push_back(aio::create_task(hold_for(lock, log, name, 1s)));
    co_await aio::sleep(0s); // all four have asked: a holds it, b, c, d wait in that order
    CHECK(lock.locked());
    CHECK(log == Log{"a"});
    for (auto& task : tasks) co_await task;
    CHECK(log == Log{"a", "b", "c", "d"});
    CHECK(clock.now().time_since_epoch() == 4s); // one at a time
    CHECK_FALSE(lock.locked());
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Lock: release hands it to the first waiter, so a task asking again goes to the back", "[ch08][lock]") {
  VirtualClock clock;
  aio::Lock lock;
  Log log;
  const auto main = [&]() -> Task<> {
    co_await lock.acquire();
    Task<> waiting = aio::create_task(wait_for_lock(lock, log, "waiter"));
    co_await aio::sleep(0s);
    lock.release();
    CHECK(lock.locked()); // already the waiter's, though it has not run yet
    Task<> late = aio::create_task(wait_for_lock(lock, log, "late"));
    co_await waiting;
    co_await late;
    CHECK(log == Log{"waiter got it", "late got it"});
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Lock: a waiter cancelled while waiting throws CancelledError and holds nothing", "[ch08][lock]") {
  VirtualClock clock;
  aio::Lock lock;
  Log log;
  const auto main = [&]() -> Task<> {
    Task<> holder = aio::create_task(hold_for(lock, log, "holder", 1s));
    Task<> first = aio::create_task(wait_for_lock(lock, log, "first"));
    Task<> second = aio::create_task(wait_for_lock(lock, log, "second"));
    co_await aio::sleep(0s);
    first.cancel();
    CHECK_THROWS_AS(co_await first, aio::CancelledError);
    co_await holder;
    co_await second;
    CHECK(log == Log{"holder", "first cancelled", "second got it"});
    CHECK_FALSE(lock.locked());
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Lock: cancelled after being handed the lock, a waiter passes it on instead of keeping it",
              "[ch08][lock][cancel]") {
  VirtualClock clock;
  aio::Lock lock;
  Log log;
  const auto main = [&]() -> Task<> {
    co_await lock.acquire();
    Task<> first = aio::create_task(wait_for_lock(lock, log, "first"));
    Task<> second = aio::create_task(wait_for_lock(lock, log, "second"));
    co_await aio::sleep(0s);
    lock.release(); // handed to first, which is queued to run...
    first.cancel(); // ...and cancelled before it does
    CHECK_THROWS_AS(co_await first, aio::CancelledError);
    co_await second;
    CHECK(log == Log{"first cancelled", "second got it"});
    CHECK_FALSE(lock.locked()); // nothing leaked: free again
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Lock: the guard releases on an exception, and releasing a free lock is a clear error",
              "[ch08][lock][misuse]") {
  VirtualClock clock;
  aio::Lock lock;
  const auto failing = [&]() -> Task<> {
    auto guard = co_await lock.scoped();
    throw std::runtime_error("boom");
  };
  const auto main = [&]() -> Task<> {
    CHECK_THROWS_WITH(co_await failing(), "boom");
    CHECK_FALSE(lock.locked());
    CHECK_THROWS_WITH(lock.release(), Contains("the lock is not held"));
    auto guard = co_await lock.scoped();
    guard.release(); // early release, once: the guard then does nothing
    CHECK_FALSE(lock.locked());
    CHECK_FALSE(guard.holds());
  };
  aio::run(main(), clock);
}

namespace {

Task<> use_permit(aio::Semaphore& sem, aio::testing::InFlight& in_flight, Log& log, std::string name) {
  auto permit = co_await sem.scoped();
  log.push_back(name);
  const auto slot = in_flight.enter();
  co_await aio::sleep(1s);
}

} // namespace

AIO_TEST_CASE("Semaphore: at most N at once, started in the order they asked", "[ch08][semaphore]") {
  VirtualClock clock;
  aio::Semaphore sem(3);
  aio::testing::InFlight peak;
  Log log;
  const auto main = [&]() -> Task<> {
    std::vector<Task<>> tasks;
    for (int i = 0; i < 7; ++i) tasks.push_back(aio::create_task(use_permit(sem, peak, log, std::to_string(i))));
    for (auto& task : tasks) co_await task;
    CHECK(peak.peak == 3);
    CHECK(log == Log{"0", "1", "2", "3", "4", "5", "6"});
    CHECK(clock.now().time_since_epoch() == 3s); // 3 + 3 + 1
    CHECK(sem.value() == 3);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Semaphore: cancelled while waiting or while being handed a permit, no permit is lost",
              "[ch08][semaphore][cancel]") {
  VirtualClock clock;
  aio::Semaphore sem(1);
  aio::testing::InFlight peak;
  Log log;
  const auto main = [&]() -> Task<> {
    co_await sem.acquire();
    Task<> waiting = aio::create_task(use_permit(sem, peak, log, "waiting"));
    Task<> woken = aio::create_task(use_permit(sem, peak, log, "woken"));
    Task<> last = aio::create_task(use_permit(sem, peak, log, "last"));
    co_await aio::sleep(0s);
    waiting.cancel(); // still waiting
    sem.release();    // handed to `woken`, since `waiting` is gone...
    woken.cancel();   // ...which is cancelled before it runs: the permit goes on to `last`
    CHECK_THROWS_AS(co_await waiting, aio::CancelledError);
    CHECK_THROWS_AS(co_await woken, aio::CancelledError);
    co_await last;
    CHECK(log == Log{"last"});
    CHECK(sem.value() == 1);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("BoundedSemaphore: a release without its acquire is a clear error, a plain Semaphore grows",
              "[ch08][semaphore][misuse]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    aio::BoundedSemaphore bounded(2);
    {
      auto permit = co_await bounded.scoped();
      CHECK(bounded.value() == 1);
    }
    CHECK_THROWS_WITH(bounded.release(), Contains("released more times than acquired"));
    CHECK(bounded.value() == 2);
    aio::Semaphore plain(0);
    CHECK(plain.locked());
    plain.release();
    CHECK(plain.value() == 1);
  };
  aio::run(main(), clock);
}

namespace {
Task<> wait_for_lock(aio::Lock& lock) { auto guard = co_await lock.scoped(); }
} // namespace

AIO_TEST_CASE("a task waiting for a lock, cancelled after its loop was closed, is dropped and reported, not run",
              "[ch08][lock]") {
  aio::testing::RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  aio::Lock lock;
  std::optional<Task<>> waiter;
  {
    aio::EventLoop loop(clock);
    auto main_task = [](aio::Lock& lock, std::optional<Task<>>& waiter) -> Task<> {
      co_await lock.acquire();
      waiter.emplace(aio::create_task(wait_for_lock(lock), "waiter"));
      co_await aio::sleep(0s); // it queues for the lock
    };
    aio::run_until_complete(loop, main_task(lock, waiter));
    loop.close();            // the waiter is parked on the lock, not queued: the close does not see it
    CHECK(waiter->cancel()); // its wake-up finds the loop closed: it can never run
  }
  CHECK_FALSE(waiter->done());
  REQUIRE(sink.count(aio::Pitfall::destroyed_pending) == 1);
  CHECK_THAT(sink.reports().front().summary, Contains("task 'waiter'"));
  CHECK_THAT(sink.reports().front().summary, Contains("its event loop is closed"));
  CHECK(lock.locked()); // still main's: nobody released it, and the waiter never took it
}
