// Conformance with asyncio's Lock, Event, Condition, Semaphore, Barrier and Queue: each case
// follows what a test of CPython's Lib/test/test_asyncio (test_locks, test_queues) asserts,
// named in the comment above it.
#include "aio/barrier.hpp"
#include "aio/condition.hpp"
#include "aio/event.hpp"
#include "aio/gather.hpp"
#include "aio/lock.hpp"
#include "aio/queue.hpp"
#include "aio/run.hpp"
#include "aio/semaphore.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/task_group.hpp"
#include "aio/timeout.hpp"

#include "aio/testing/guard.hpp"
#include "aio/testing/outcome.hpp"
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
using aio::testing::ms_now;
using aio::testing::outcome_of;
using Log = std::vector<std::string>;
using namespace std::chrono_literals;

namespace {

// Lets every ready task run once, and then once more (asyncio's test_utils.run_briefly).
Task<> run_briefly() {
  co_await aio::sleep(0s);
  co_await aio::sleep(0s);
}

// Acquires `lock` (or a permit of `sem`), notes `name`, and keeps it.
template <class Primitive>
Task<> take(Primitive& p, Log& log, std::string name) {
  co_await p.acquire();
  log.push_back(name);
}

} // namespace

// ---- Lock (test_locks.LockTests) --------------------------------------------------------------

// test_locks.LockTests.test_acquire: waiters get the lock one release at a time, in order.
AIO_TEST_CASE("asyncio: Lock waiters get it one release at a time in the order they came", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Lock lock;
    Log log;
    co_await lock.acquire();
    Task<> t1 = aio::create_task(take(lock, log, "1"));
    Task<> t2 = aio::create_task(take(lock, log, "2"));
    co_await run_briefly();
    CHECK(log.empty());
    lock.release();
    co_await run_briefly();
    CHECK(log == Log{"1"});
    Task<> t3 = aio::create_task(take(lock, log, "3"));
    lock.release();
    co_await run_briefly();
    CHECK(log == Log{"1", "2"});
    lock.release();
    co_await run_briefly();
    CHECK(log == Log{"1", "2", "3"});
    CHECK(t1.done());
    CHECK(t2.done());
    CHECK(t3.done());
    lock.release();
  };
  aio::run(main(), clock);
}

// test_locks.LockTests.test_acquire_cancel: a waiter cancelled leaves nothing behind.
AIO_TEST_CASE("asyncio: a Lock waiter cancelled leaves the lock as it was", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Lock lock;
    Log log;
    co_await lock.acquire();
    Task<> waiter = aio::create_task(take(lock, log, "never"));
    aio::EventLoop::get_running_loop().call_soon([ref = waiter.ref()] { ref.cancel(); });
    const std::string how = co_await outcome_of(std::move(waiter));
    CHECK(how == "cancelled");
    CHECK(lock.locked());
    lock.release();
    CHECK_FALSE(lock.locked()); // nobody was left waiting to be handed it
  };
  aio::run(main(), clock);
}

// test_locks.LockTests.test_cancel_race: B waiting is cancelled just as A releases: C gets the
// lock, not B, and nothing is stuck.
AIO_TEST_CASE("asyncio: a Lock waiter cancelled as the lock is released is skipped", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Lock lock;
    Log log;
    aio::Future<> fa;
    const auto lockit = [](aio::Lock& l, Log& lg, std::string name, aio::Future<> blocker) -> Task<> {
      co_await l.acquire();
      lg.push_back(name);
      if (!blocker.done()) co_await blocker;
      l.release();
    };
    aio::Future<> none;
    none.set_result();
    Task<> ta = aio::create_task(lockit(lock, log, "A", fa));
    co_await run_briefly();
    Task<> tb = aio::create_task(lockit(lock, log, "B", none));
    Task<> tc = aio::create_task(lockit(lock, log, "C", none));
    co_await run_briefly();
    fa.set_result();
    tb.cancel();
    co_await run_briefly();
    co_await run_briefly();
    CHECK_FALSE(lock.locked());
    CHECK(ta.done());
    CHECK(tb.cancelled());
    CHECK(tc.done());
    CHECK(log == Log{"A", "C"});
  };
  aio::run(main(), clock);
}

// test_locks.LockTests.test_cancel_release_race: a waiter woken by release() and cancelled
// before it runs passes the lock to the next one.
AIO_TEST_CASE("asyncio: a Lock waiter cancelled after it was woken passes the lock on", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Lock lock;
    Log log;
    co_await lock.acquire();
    Task<> t1 = aio::create_task(take(lock, log, "1"));
    Task<> t2 = aio::create_task(take(lock, log, "2"));
    co_await run_briefly();
    lock.release(); // wakes t1
    t1.cancel();    // before it could run
    co_await run_briefly();
    CHECK(t1.cancelled());
    CHECK(log == Log{"2"});
    CHECK(lock.locked());
    co_await t2;
    lock.release();
  };
  aio::run(main(), clock);
}

// test_locks.LockTests.test_release_not_acquired
AIO_TEST_CASE("asyncio: releasing a Lock nobody holds is an error", "[ch08][asyncio]") {
  aio::Lock lock;
  CHECK_THROWS_AS(lock.release(), std::logic_error);
}

// ---- Event (test_locks.EventTests) --------------------------------------------------------

// test_locks.EventTests.test_wait: set() wakes every waiter; one that comes later finds it set.
AIO_TEST_CASE("asyncio: Event.set wakes every waiter, in the order they waited", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Event ev;
    Log log;
    const auto waiter = [](aio::Event& e, Log& lg, std::string name) -> Task<> {
      co_await e.wait();
      lg.push_back(name);
    };
    Task<> t1 = aio::create_task(waiter(ev, log, "1"));
    Task<> t2 = aio::create_task(waiter(ev, log, "2"));
    co_await run_briefly();
    CHECK(log.empty());
    Task<> t3 = aio::create_task(waiter(ev, log, "3"));
    ev.set();
    co_await run_briefly();
    CHECK(log == Log{"3", "1", "2"}); // t3 had not waited yet: it finds the event set at its first step
    CHECK(t1.done());
  };
  aio::run(main(), clock);
}

// test_locks.EventTests.test_wait_on_set
AIO_TEST_CASE("asyncio: waiting on an Event that is set returns at once", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Event ev;
    ev.set();
    co_await ev.wait();
    CHECK(ev.is_set());
  };
  aio::run(main(), clock);
}

// test_locks.EventTests.test_clear_with_waiters: a waiter woken by set() wakes even if the event
// is cleared before it runs.
AIO_TEST_CASE("asyncio: an Event waiter woken by set() wakes though the event is cleared at once", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Event ev;
    bool woke = false;
    Task<> t = aio::create_task([](aio::Event& e, bool& w) -> Task<> {
      co_await e.wait();
      w = true;
    }(ev, woke));
    co_await run_briefly();
    ev.set();
    ev.clear();
    CHECK_FALSE(ev.is_set());
    co_await run_briefly();
    CHECK(woke);
    CHECK(t.done());
  };
  aio::run(main(), clock);
}

// test_locks.EventTests.test_wait_cancel
AIO_TEST_CASE("asyncio: an Event waiter cancelled raises CancelledError", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Event ev;
    Task<> wait = aio::create_task([](aio::Event& e) -> Task<> { co_await e.wait(); }(ev));
    aio::EventLoop::get_running_loop().call_soon([ref = wait.ref()] { ref.cancel(); });
    const std::string how = co_await outcome_of(std::move(wait));
    CHECK(how == "cancelled");
  };
  aio::run(main(), clock);
}

// ---- Condition (test_locks.ConditionTests) -----------------------------------------------------

// test_locks.ConditionTests.test_wait: notify() wakes a waiter only once the lock is released,
// and each woken waiter runs with the lock held.
AIO_TEST_CASE("asyncio: Condition waiters wake only once the notifier releases the lock, one holder at a time",
              "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Condition cond;
    Log log;
    const auto waiter = [](aio::Condition& c, Log& lg, std::string name) -> Task<> {
      co_await c.acquire();
      co_await c.wait();
      lg.push_back(name);
    };
    Task<> t1 = aio::create_task(waiter(cond, log, "1"));
    Task<> t2 = aio::create_task(waiter(cond, log, "2"));
    Task<> t3 = aio::create_task(waiter(cond, log, "3"));
    co_await run_briefly();
    CHECK(log.empty());
    CHECK_FALSE(cond.locked());
    co_await cond.acquire();
    cond.notify();
    co_await run_briefly();
    CHECK(log.empty());
    CHECK(cond.locked());
    cond.release();
    co_await run_briefly();
    CHECK(log == Log{"1"});
    CHECK(cond.locked()); // t1 holds it
    cond.notify(2);
    cond.release();
    co_await run_briefly();
    CHECK(log == Log{"1", "2"});
    cond.release();
    co_await run_briefly();
    CHECK(log == Log{"1", "2", "3"});
    cond.release();
    CHECK(t1.done());
    CHECK(t3.done());
  };
  aio::run(main(), clock);
}

// test_locks.ConditionTests.test_wait_cancel: a cancelled wait() holds the lock again and leaves
// no waiter behind.
AIO_TEST_CASE("asyncio: a cancelled Condition wait takes the lock back before the error goes on", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Condition cond;
    co_await cond.acquire();
    bool locked_after = false;
    Task<> wait = aio::create_task([](aio::Condition& c, bool& held) -> Task<> {
      try {
        co_await c.wait();
      } catch (const aio::CancelledError&) {
        held = c.locked();
        throw;
      }
    }(cond, locked_after));
    co_await run_briefly(); // it waits, the lock released for it... by us: we held it
    aio::EventLoop::get_running_loop().call_soon([ref = wait.ref()] { ref.cancel(); });
    const std::string how = co_await outcome_of(std::move(wait));
    CHECK(how == "cancelled");
    CHECK(locked_after);
    cond.release();
    CHECK_FALSE(cond.locked());
  };
  aio::run(main(), clock);
}

// test_locks.ConditionTests.test_wait_unacquired / test_notify_unacquired
AIO_TEST_CASE("asyncio: Condition wait and notify without the lock are errors", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Condition cond;
    CHECK_THROWS_AS(cond.notify(), std::logic_error);
    CHECK_THROWS_AS(cond.notify_all(), std::logic_error);
    bool refused = false;
    try {
      co_await cond.wait();
    } catch (const std::logic_error&) {
      refused = true;
    }
    CHECK(refused);
  };
  aio::run(main(), clock);
}

// test_locks.ConditionTests.test_wait_for: wait_for(pred) returns only once pred holds after a notify.
AIO_TEST_CASE("asyncio: Condition wait_for returns once its predicate holds", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Condition cond;
    bool ready = false;
    bool returned = false;
    Task<> t = aio::create_task([](aio::Condition& c, bool& r, bool& done) -> Task<> {
      auto guard = co_await c.scoped();
      co_await c.wait_for([&r] { return r; });
      done = true;
    }(cond, ready, returned));
    co_await run_briefly();
    co_await cond.acquire();
    cond.notify();
    cond.release();
    co_await run_briefly();
    CHECK_FALSE(returned);
    ready = true;
    co_await cond.acquire();
    cond.notify();
    cond.release();
    co_await run_briefly();
    CHECK(returned);
    CHECK(t.done());
  };
  aio::run(main(), clock);
}

// test_locks.ConditionTests.test_notify_all
AIO_TEST_CASE("asyncio: Condition notify_all wakes every waiter in order", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Condition cond;
    Log log;
    const auto waiter = [](aio::Condition& c, Log& lg, std::string name) -> Task<> {
      auto guard = co_await c.scoped();
      co_await c.wait();
      lg.push_back(name);
    };
    Task<> t1 = aio::create_task(waiter(cond, log, "1"));
    Task<> t2 = aio::create_task(waiter(cond, log, "2"));
    co_await run_briefly();
    co_await cond.acquire();
    cond.notify_all();
    cond.release();
    co_await t1;
    co_await t2;
    CHECK(log == Log{"1", "2"});
  };
  aio::run(main(), clock);
}

// ---- Semaphore (test_locks.SemaphoreTests) -------------------------------------------------

// test_locks.SemaphoreTests.test_release_no_waiters
AIO_TEST_CASE("asyncio: Semaphore released with nobody waiting is unlocked again", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Semaphore sem;
    co_await sem.acquire();
    CHECK(sem.locked());
    sem.release();
    CHECK_FALSE(sem.locked());
  };
  aio::run(main(), clock);
}

// test_locks.SemaphoreTests.test_acquire_cancel_before_awoken: cancelled waiters are skipped: one
// release wakes exactly one of the others.
AIO_TEST_CASE("asyncio: Semaphore waiters cancelled before a release are skipped by it", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Semaphore sem(0);
    Log log;
    Task<> t1 = aio::create_task(take(sem, log, "1"));
    Task<> t2 = aio::create_task(take(sem, log, "2"));
    Task<> t3 = aio::create_task(take(sem, log, "3"));
    Task<> t4 = aio::create_task(take(sem, log, "4"));
    co_await aio::sleep(0s);
    t1.cancel();
    t2.cancel();
    sem.release();
    co_await run_briefly();
    CHECK(t3.done());
    CHECK_FALSE(t4.done());
    t4.cancel();
    co_await run_briefly();
    CHECK(log == Log{"3"});
  };
  aio::run(main(), clock);
}

// test_locks.SemaphoreTests.test_acquire_hang: a release after a cancelled waiter reaches the next one.
AIO_TEST_CASE("asyncio: a Semaphore release after a cancelled waiter reaches the next one", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Semaphore sem(0);
    Log log;
    Task<> t1 = aio::create_task(take(sem, log, "1"));
    Task<> t2 = aio::create_task(take(sem, log, "2"));
    co_await aio::sleep(0s);
    t1.cancel();
    sem.release();
    co_await run_briefly();
    CHECK(sem.locked());
    CHECK(t2.done());
  };
  aio::run(main(), clock);
}

// test_locks.SemaphoreTests.test_acquire_no_hang: a waiter cancelled after its permit was handed
// over gives it back, so the semaphore can be acquired after.
AIO_TEST_CASE("asyncio: a Semaphore waiter cancelled after being handed a permit gives it back", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Semaphore sem(1);
    std::optional<aio::TaskRef> t2_ref;
    const auto c1 = [](aio::Semaphore& s, std::optional<aio::TaskRef>& other) -> Task<> {
      {
        auto permit = co_await s.scoped();
        co_await aio::sleep(0s);
      }
      other->cancel();
    };
    const auto c2 = [](aio::Semaphore& s) -> Task<> {
      auto permit = co_await s.scoped();
      FAIL("c2 must never hold the permit");
    };
    Task<> t1 = aio::create_task(c1(sem, t2_ref));
    Task<> t2 = aio::create_task(c2(sem));
    t2_ref = t2.ref();
    auto [r1, r2] = co_await aio::gather_settled(std::move(t1), std::move(t2));
    CHECK(r1.ok());
    CHECK_THROWS_AS(std::rethrow_exception(r2.error()), aio::CancelledError);
    co_await aio::wait_for([](aio::Semaphore& s) -> Task<> { co_await s.acquire(); }(sem), 1s);
    CHECK(sem.locked());
  };
  aio::run(main(), clock);
}

// test_locks.SemaphoreTests.test_acquire_fifo_order: tasks that release and ask again go to the back.
AIO_TEST_CASE("asyncio: Semaphore(1) serves tasks that ask again in strict turn", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Semaphore sem(1);
    Log result;
    const auto coro = [](aio::Semaphore& s, Log& r, std::string tag) -> Task<> {
      co_await s.acquire();
      r.push_back(tag + "_1");
      co_await aio::sleep(10ms);
      s.release();
      co_await s.acquire();
      r.push_back(tag + "_2");
      co_await aio::sleep(10ms);
      s.release();
    };
    co_await aio::task_group([&](aio::TaskGroup& g) -> Task<> {
      g.create_task(coro(sem, result, "c1"));
      g.create_task(coro(sem, result, "c2"));
      g.create_task(coro(sem, result, "c3"));
      co_return;
    });
    CHECK(result == Log{"c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"});
  };
  aio::run(main(), clock);
}

// test_locks.SemaphoreTests.test_acquire_fifo_order_2: a task that releases and asks again in
// the same step waits behind the others woken before it.
AIO_TEST_CASE("asyncio: a Semaphore task releasing and asking again waits behind those woken first",
              "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Semaphore sem(1);
    Log result;
    const auto c1 = [](aio::Semaphore& s, Log& r) -> Task<> {
      co_await s.acquire();
      r.push_back("1");
    };
    const auto c2 = [](aio::Semaphore& s, Log& r) -> Task<> {
      co_await s.acquire();
      r.push_back("2");
      s.release();
      co_await s.acquire();
      r.push_back("4");
    };
    const auto c3 = [](aio::Semaphore& s, Log& r) -> Task<> {
      co_await s.acquire();
      r.push_back("3");
    };
    Task<> t1 = aio::create_task(c1(sem, result));
    Task<> t2 = aio::create_task(c2(sem, result));
    Task<> t3 = aio::create_task(c3(sem, result));
    co_await aio::sleep(0s);
    sem.release();
    sem.release();
    co_await aio::gather(std::move(t1), std::move(t2), std::move(t3));
    CHECK(result == Log{"1", "2", "3", "4"});
  };
  aio::run(main(), clock);
}

// test_locks.SemaphoreTests.test_acquire_fifo_order_3: a waiter cancelled before the releases is
// skipped; the others are served in order.
AIO_TEST_CASE("asyncio: Semaphore releases skip a waiter cancelled before them", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Semaphore sem(0);
    Log result;
    Task<> t1 = aio::create_task(take(sem, result, "1"));
    Task<> t2 = aio::create_task(take(sem, result, "2"));
    Task<> t3 = aio::create_task(take(sem, result, "3"));
    co_await aio::sleep(0s);
    t1.cancel();
    co_await aio::sleep(0s);
    sem.release();
    sem.release();
    co_await aio::gather_settled(std::move(t1), std::move(t2), std::move(t3));
    CHECK(result == Log{"2", "3"});
  };
  aio::run(main(), clock);
}

// test_locks.SemaphoreTests.test_acquire_fifo_order_4: while a woken waiter has not run yet, the
// semaphore is locked even with permits back, and a newcomer waits its turn behind it.
AIO_TEST_CASE("asyncio: Semaphore stays locked while a woken waiter has not run, so newcomers queue",
              "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Semaphore sem(0);
    Log result;
    Task<> t4;
    const auto c4 = [](Log& r) -> Task<> {
      r.push_back("4");
      co_return;
    };
    const auto c1 = [&c4](aio::Semaphore& s, Log& r, Task<>& fourth) -> Task<> {
      CHECK(s.value() == 0);
      co_await s.acquire();
      CHECK(s.value() == 0); // everyone waiting has been woken now
      fourth = aio::create_task(c4(r));
      r.push_back("1");
    };
    const auto c2 = [](aio::Semaphore& s, Log& r) -> Task<> {
      s.release();
      s.release();
      s.release();
      CHECK(s.value() == 2);
      CHECK(s.locked()); // c1 was woken but has not run
      co_await s.acquire();
      r.push_back("2");
    };
    const auto c3 = [](aio::Semaphore& s, Log& r) -> Task<> {
      co_await s.acquire();
      CHECK(s.locked());
      r.push_back("3");
    };
    Task<> t1 = aio::create_task(c1(sem, result, t4));
    Task<> t2 = aio::create_task(c2(sem, result));
    Task<> t3 = aio::create_task(c3(sem, result));
    co_await aio::sleep(0s);
    CHECK(sem.value() == 2);
    co_await aio::sleep(0s);
    co_await t1;
    co_await t2;
    co_await t3;
    co_await t4;
    CHECK(result == Log{"1", "2", "3", "4"});
  };
  aio::run(main(), clock);
}

// test_locks.BoundedSemaphoreTests.test_release_not_acquired
AIO_TEST_CASE("asyncio: BoundedSemaphore released more than acquired is an error", "[ch08][asyncio]") {
  aio::BoundedSemaphore sem;
  CHECK_THROWS_AS(sem.release(), std::logic_error);
}

// ---- Barrier (test_locks.BarrierTests) -----------------------------------------------------

// test_locks.BarrierTests.test_filling_one_task / test_filling_one_task_twice: a barrier of one
// never waits.
AIO_TEST_CASE("asyncio: a Barrier of one party passes at once, every time", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Barrier barrier(1);
    const std::size_t a = co_await barrier.wait();
    const std::size_t b = co_await barrier.wait();
    CHECK(a == 0);
    CHECK(b == 0);
    CHECK(barrier.n_waiting() == 0);
    CHECK_FALSE(barrier.broken());
  };
  aio::run(main(), clock);
}

// test_locks.BarrierTests.test_filling_task_by_task / test_filling_tasks_check_return_value: the
// parties wait until the last arrives; each gets a distinct place.
AIO_TEST_CASE("asyncio: Barrier parties wait for the last one and each gets its own place", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Barrier barrier(3);
    std::vector<std::size_t> places;
    const auto party = [](aio::Barrier& b, std::vector<std::size_t>& p) -> Task<> { p.push_back(co_await b.wait()); };
    Task<> t1 = aio::create_task(party(barrier, places));
    co_await aio::sleep(0s);
    CHECK(barrier.n_waiting() == 1);
    Task<> t2 = aio::create_task(party(barrier, places));
    co_await aio::sleep(0s);
    CHECK(barrier.n_waiting() == 2);
    Task<> t3 = aio::create_task(party(barrier, places));
    co_await t1;
    co_await t2;
    co_await t3;
    std::sort(places.begin(), places.end());
    CHECK(places == std::vector<std::size_t>{0, 1, 2});
    CHECK(barrier.n_waiting() == 0);
    CHECK_FALSE(barrier.broken());
  };
  aio::run(main(), clock);
}

// test_locks.BarrierTests.test_filling_tasks_cancel_one: a party cancelled while waiting
// withdraws; the round needs one more.
AIO_TEST_CASE("asyncio: a Barrier party cancelled while waiting withdraws from the round", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Barrier barrier(3);
    const auto party = [](aio::Barrier& b) -> Task<> { co_await b.wait(); };
    Task<> t1 = aio::create_task(party(barrier));
    Task<> t2 = aio::create_task(party(barrier));
    co_await aio::sleep(0s);
    CHECK(barrier.n_waiting() == 2);
    t1.cancel();
    const std::string how = co_await outcome_of(std::move(t1));
    CHECK(how == "cancelled");
    CHECK(barrier.n_waiting() == 1);
    Task<> t3 = aio::create_task(party(barrier));
    Task<> t4 = aio::create_task(party(barrier));
    co_await aio::gather(std::move(t2), std::move(t3), std::move(t4));
    CHECK(barrier.n_waiting() == 0);
    CHECK_FALSE(barrier.broken());
  };
  aio::run(main(), clock);
}

// test_locks.BarrierTests.test_abort_barrier: abort() breaks it: waiters and later parties get
// BrokenBarrierError.
AIO_TEST_CASE("asyncio: Barrier.abort breaks it for the waiting parties and the later ones", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Barrier barrier(3);
    int broken = 0;
    const auto party = [](aio::Barrier& b, int& n) -> Task<> {
      try {
        co_await b.wait();
      } catch (const aio::BrokenBarrierError&) {
        ++n;
      }
    };
    Task<> t1 = aio::create_task(party(barrier, broken));
    co_await aio::sleep(0s);
    barrier.abort();
    Task<> t2 = aio::create_task(party(barrier, broken));
    co_await t1;
    co_await t2;
    CHECK(broken == 2);
    CHECK(barrier.broken());
  };
  aio::run(main(), clock);
}

// test_locks.BarrierTests.test_reset_barrier_while_tasks_waiting: reset() breaks the round for
// its waiters, and the barrier is usable again.
AIO_TEST_CASE("asyncio: Barrier.reset breaks the waiting round and makes the barrier usable again", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Barrier barrier(2);
    int broken = 0;
    Task<> t1 = aio::create_task([](aio::Barrier& b, int& n) -> Task<> {
      try {
        co_await b.wait();
      } catch (const aio::BrokenBarrierError&) {
        ++n;
      }
    }(barrier, broken));
    co_await aio::sleep(0s);
    barrier.reset();
    co_await t1;
    CHECK(broken == 1);
    CHECK_FALSE(barrier.broken());
    Task<std::size_t> t2 =
        aio::create_task([](aio::Barrier& b) -> Task<std::size_t> { co_return co_await b.wait(); }(barrier));
    const std::size_t mine = co_await barrier.wait();
    const std::size_t theirs = co_await t2;
    CHECK(mine + theirs == 1); // places 0 and 1
  };
  aio::run(main(), clock);
}

// ---- Queue (test_queues) ---------------------------------------------------------------

// test_queues.QueueBasicTests.test_order / LifoQueueTests / PriorityQueueTests.test_order
AIO_TEST_CASE("asyncio: Queue is first in first out, LifoQueue last in first out, PriorityQueue least first",
              "[ch08][asyncio]") {
  aio::Queue<int> fifo;
  aio::LifoQueue<int> lifo;
  aio::PriorityQueue<int> prio;
  for (int i : {1, 3, 2}) {
    fifo.put_nowait(i);
    lifo.put_nowait(i);
    prio.put_nowait(i);
  }
  std::vector<int> a, b, c;
  for (int i = 0; i < 3; ++i) {
    a.push_back(fifo.get_nowait());
    b.push_back(lifo.get_nowait());
    c.push_back(prio.get_nowait());
  }
  CHECK(a == std::vector<int>{1, 3, 2});
  CHECK(b == std::vector<int>{2, 3, 1});
  CHECK(c == std::vector<int>{1, 2, 3});
}

// test_queues.QueueBasicTests.test_maxsize: put waits while the queue is full.
AIO_TEST_CASE("asyncio: Queue put waits while the queue holds maxsize items", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Queue<int> q(2);
    CHECK(q.maxsize() == 2);
    int have = 0;
    Task<> putter = aio::create_task([](aio::Queue<int>& queue, int& n) -> Task<> {
      for (int i = 0; i < 3; ++i) {
        co_await queue.put(i);
        ++n;
      }
    }(q, have));
    co_await run_briefly();
    CHECK(have == 2);
    CHECK(q.full());
    CHECK(q.get_nowait() == 0);
    co_await putter;
    CHECK(have == 3);
    CHECK(q.qsize() == 2);
  };
  aio::run(main(), clock);
}

// test_queues.QueueGetTests.test_nonblocking_get_exception / QueuePutTests.test_nonblocking_put_exception
AIO_TEST_CASE("asyncio: get_nowait on an empty Queue and put_nowait on a full one raise", "[ch08][asyncio]") {
  aio::Queue<int> q(1);
  CHECK_THROWS_AS(q.get_nowait(), aio::QueueEmpty);
  q.put_nowait(1);
  CHECK_THROWS_AS(q.put_nowait(2), aio::QueueFull);
}

// test_queues.QueueGetTests.test_get_cancelled_race: a getter cancelled as an item arrives does
// not take it; the next getter does.
AIO_TEST_CASE("asyncio: a Queue getter cancelled as the item arrives leaves it to the next getter", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Queue<std::string> q;
    Task<std::string> t1 = aio::create_task(
        [](aio::Queue<std::string>& queue) -> Task<std::string> { co_return co_await queue.get(); }(q));
    Task<std::string> t2 = aio::create_task(
        [](aio::Queue<std::string>& queue) -> Task<std::string> { co_return co_await queue.get(); }(q));
    co_await aio::sleep(0s);
    t1.cancel();
    co_await aio::sleep(0s);
    CHECK(t1.cancelled());
    q.put_nowait("a");
    const std::string got = co_await t2;
    CHECK(got == "a");
  };
  aio::run(main(), clock);
}

// test_queues.QueuePutTests.test_put_cancelled_race: a putter cancelled while the queue is full
// puts nothing; the one behind it does.
AIO_TEST_CASE("asyncio: a Queue putter cancelled while waiting puts nothing", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Queue<std::string> q(1);
    q.put_nowait("first");
    Task<> t1 = aio::create_task([](aio::Queue<std::string>& queue) -> Task<> { co_await queue.put("cancelled"); }(q));
    Task<> t2 = aio::create_task([](aio::Queue<std::string>& queue) -> Task<> { co_await queue.put("second"); }(q));
    co_await aio::sleep(0s);
    t1.cancel();
    CHECK(q.get_nowait() == "first");
    co_await t2;
    CHECK(q.get_nowait() == "second");
    CHECK(q.empty());
    const std::string how = co_await outcome_of(std::move(t1));
    CHECK(how == "cancelled");
  };
  aio::run(main(), clock);
}

// test_queues.QueueJoinTests.test_task_done / test_join_empty_queue / test_task_done_underflow
AIO_TEST_CASE("asyncio: Queue join waits for task_done of every item, and one too many is an error",
              "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Queue<int> q;
    co_await q.join(); // empty: at once
    CHECK_THROWS_AS(q.task_done(), std::logic_error);
    for (int i = 0; i < 3; ++i) q.put_nowait(i);
    Task<> worker = aio::create_task([](aio::Queue<int>& queue) -> Task<> {
      for (int i = 0; i < 3; ++i) {
        co_await queue.get();
        co_await aio::sleep(10ms);
        queue.task_done();
      }
    }(q));
    co_await q.join();
    CHECK(ms_now() == 30);
    co_await worker;
  };
  aio::run(main(), clock);
}

// test_queues.QueueShutdownTests.test_shutdown_empty / test_shutdown_putter / test_shutdown_getter:
// shutdown() wakes getters of an empty queue with QueueShutDown, and put refuses from then on.
AIO_TEST_CASE("asyncio: Queue shutdown wakes waiting getters with QueueShutDown and refuses puts", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Queue<int> q;
    Task<bool> getter = aio::create_task([](aio::Queue<int>& queue) -> Task<bool> {
      try {
        co_await queue.get();
      } catch (const aio::QueueShutDown&) {
        co_return true;
      }
      co_return false;
    }(q));
    co_await aio::sleep(0s);
    q.shutdown();
    const bool shut = co_await getter;
    CHECK(shut);
    CHECK_THROWS_AS(q.put_nowait(1), aio::QueueShutDown);
    CHECK_THROWS_AS(q.get_nowait(), aio::QueueShutDown);
  };
  aio::run(main(), clock);
}

// test_queues.QueueShutdownTests.test_shutdown_nonempty: after shutdown() the items left can still
// be taken; then get raises QueueShutDown.
AIO_TEST_CASE("asyncio: after Queue shutdown the items left can be taken, then get raises", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Queue<int> q;
    q.put_nowait(1);
    q.shutdown();
    const int item = co_await q.get();
    CHECK(item == 1);
    CHECK_THROWS_AS(q.get_nowait(), aio::QueueShutDown);
  };
  aio::run(main(), clock);
}

// test_queues.QueueShutdownTests.test_shutdown_immediate / test_shutdown_immediate_with_unfinished:
// shutdown(immediate) drops the items, and join() no longer waits for them.
AIO_TEST_CASE("asyncio: Queue shutdown(immediate) drops the items and join returns", "[ch08][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::Queue<int> q;
    q.put_nowait(1);
    q.put_nowait(2);
    q.shutdown(true);
    CHECK(q.empty());
    CHECK_THROWS_AS(q.get_nowait(), aio::QueueShutDown);
    co_await q.join();
    CHECK(ms_now() == 0);
  };
  aio::run(main(), clock);
}
