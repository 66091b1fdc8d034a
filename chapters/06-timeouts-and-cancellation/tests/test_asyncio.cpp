// Conformance with asyncio's cancellation, wait_for, timeout, shield and TaskGroup: each case
// follows what a test of CPython's Lib/test/test_asyncio asserts (test_tasks, test_waitfor,
// test_timeouts, test_taskgroups; named in the comment above it).
#include "aio/future.hpp"
#include "aio/run.hpp"
#include "aio/shield.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/task_group.hpp"
#include "aio/timeout.hpp"

#include "aio/testing/guard.hpp"
#include "aio/testing/outcome.hpp"
#include "aio/testing/tasks.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using aio::EventLoop;
using aio::Future;
using aio::Task;
using aio::VirtualClock;
using aio::testing::fail_after;
using aio::testing::ms_now;
using aio::testing::outcome_of;
using aio::testing::value_after;
using Log = std::vector<std::string>;
using namespace std::chrono_literals;

namespace {

// Sleeps `delay`; on CancelledError notes it, and rethrows.
Task<int> sleeper(Log& log, aio::Duration delay) {
  try {
    co_await aio::sleep(delay);
  } catch (const aio::CancelledError&) {
    log.push_back("cancelled at " + std::to_string(ms_now()));
    throw;
  }
  log.push_back("woke");
  co_return 1;
}

// Awaits `task` through aio::shield.
Task<int> shielded_wait(Task<int>& task) {
  co_return co_await aio::shield([](Task<int>& t) -> Task<int> { co_return co_await t; }(task));
}

// Sleeps `delay`.
Task<> nap(aio::Duration delay) { co_await aio::sleep(delay); }

// Notes whether its Timeout had expired when the scope's body ended.
struct NoteExpired {
  aio::Timeout& scope;
  bool& expired;
  ~NoteExpired() { expired = scope.expired(); }
};

} // namespace

// ---- cancellation (test_tasks.BaseTaskTests) ------------------------------------------------

// test_tasks.BaseTaskTests.test_cancel: cancelling a sleeping task ends it cancelled at once.
AIO_TEST_CASE("asyncio: cancel() of a sleeping task ends it cancelled without waiting", "[ch06][asyncio]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    Task<int> t = aio::create_task(sleeper(log, 10s));
    co_await aio::sleep(0s);
    CHECK(t.cancel());
    const std::string how = co_await outcome_of(std::move(t));
    CHECK(how == "cancelled");
    CHECK(ms_now() == 0);
  };
  aio::run(main(), clock);
  CHECK(log == Log{"cancelled at 0"});
}

// test_tasks.BaseTaskTests.test_cancel_done_future / test_cancel_at_end (a finished task):
// cancel() of a done task is false and changes nothing.
AIO_TEST_CASE("asyncio: cancel() of a finished task returns false and keeps its result", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Task<int> t = aio::create_task(value_after(0s, 5));
    co_await t;
    CHECK_FALSE(t.cancel());
    CHECK_FALSE(t.cancelled());
    CHECK(t.result() == 5);
    CHECK(t.cancelling() == 0);
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_cancel_yield (before it starts): a task cancelled before its first
// step never runs its body.
AIO_TEST_CASE("asyncio: a task cancelled before it starts never runs", "[ch06][asyncio]") {
  VirtualClock clock;
  bool ran = false;
  const auto main = [&]() -> Task<> {
    Task<> t = aio::create_task([](bool& flag) -> Task<> { // a coroutine lambda keeps no captures alive: pass them
      flag = true;
      co_return;
    }(ran));
    t.cancel();
    const std::string how = co_await outcome_of(std::move(t));
    CHECK(how == "cancelled");
  };
  aio::run(main(), clock);
  CHECK_FALSE(ran);
}

// test_tasks.BaseTaskTests.test_cancel_inner_future: cancelling a task cancels the future it awaits.
AIO_TEST_CASE("asyncio: cancelling a task cancels the future it awaits", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Future<int> f;
    Task<int> t = aio::create_task([](Future<int> fut) -> Task<int> { co_return co_await fut; }(f));
    co_await aio::sleep(0s);
    t.cancel();
    CHECK(f.cancelled());
    const std::string how = co_await outcome_of(std::move(t));
    CHECK(how == "cancelled");
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_cancel_both_task_and_inner_future: the future, cancelled with
// the task, cannot then be set; the task ends cancelled.
AIO_TEST_CASE("asyncio: the future cancelled with its task is done and refuses a result", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Future<int> f;
    Task<int> t = aio::create_task([](Future<int> fut) -> Task<int> { co_return co_await fut; }(f));
    co_await aio::sleep(0s);
    CHECK(t.cancel());
    CHECK(f.done());
    CHECK_THROWS_AS(f.set_result(1), aio::InvalidStateError);
    const std::string how = co_await outcome_of(std::move(t));
    CHECK(how == "cancelled");
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_cancel_task_catching: a task that catches its CancelledError and
// returns a value is not cancelled; it has that value.
AIO_TEST_CASE("asyncio: a task that catches CancelledError and returns ends with its value", "[ch06][asyncio]") {
  VirtualClock clock;
  aio::testing::RecordingSink sink;
  aio::ScopedSink scope(sink);
  const auto main = []() -> Task<> {
    Task<int> t = aio::create_task([]() -> Task<int> {
      try {
        co_await aio::sleep(10s);
      } catch (const aio::CancelledError&) {
        co_return 42;
      }
      co_return 0;
    }());
    co_await aio::sleep(0s);
    t.cancel();
    const int value = co_await t;
    CHECK(value == 42);
    CHECK_FALSE(t.cancelled());
  };
  aio::run(main(), clock);
  CHECK(sink.count(aio::Pitfall::cancellation_swallowed) == 1); // asyncio says nothing; the course does
}

// test_tasks.BaseTaskTests.test_cancel_task_ignoring: a task that catches the cancellation may go
// on awaiting, and finish normally.
AIO_TEST_CASE("asyncio: a task that ignores its cancellation goes on awaiting", "[ch06][asyncio]") {
  VirtualClock clock;
  aio::testing::RecordingSink sink;
  aio::ScopedSink scope(sink);
  const auto main = []() -> Task<> {
    Task<int> t = aio::create_task([]() -> Task<int> {
      try {
        co_await aio::sleep(10s);
      } catch (const aio::CancelledError&) {}
      co_await aio::sleep(1s);
      co_return 7;
    }());
    co_await aio::sleep(0s);
    t.cancel();
    const int value = co_await t;
    CHECK(value == 7);
    CHECK(ms_now() == 1000);
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_cancel_current_task: a task that cancels itself gets the error
// at its next await.
AIO_TEST_CASE("asyncio: a task cancelling itself gets CancelledError at its next await", "[ch06][asyncio]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    Task<> t = aio::create_task([](Log& lines) -> Task<> {
      aio::current_task()->cancel();
      lines.push_back("still running");
      co_await aio::sleep(0s);
      lines.push_back("never");
    }(log));
    const std::string how = co_await outcome_of(std::move(t));
    CHECK(how == "cancelled");
  };
  aio::run(main(), clock);
  CHECK(log == Log{"still running"});
}

// test_tasks.BaseTaskTests.test_cancel_at_end: cancelled during its last step, the task ends
// cancelled rather than with its value.
AIO_TEST_CASE("asyncio: a task cancelled during its last step ends cancelled", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Task<int> t = aio::create_task([]() -> Task<int> {
      aio::current_task()->cancel();
      co_return 12;
    }());
    const std::string how = co_await outcome_of(std::move(t));
    CHECK(how == "cancelled");
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_cancelling / test_uncancel_basic: cancel() counts, uncancel()
// takes one back.
AIO_TEST_CASE("asyncio: cancelling() counts requests and uncancel() takes one back", "[ch06][asyncio]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    Task<int> t = aio::create_task(sleeper(log, 10s));
    co_await aio::sleep(0s);
    CHECK(t.cancelling() == 0);
    t.cancel();
    t.cancel();
    CHECK(t.cancelling() == 2);
    CHECK(t.uncancel() == 1);
    const std::string how = co_await outcome_of(std::move(t));
    CHECK(how == "cancelled");
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_uncancel_structured_blocks: uncancel() down to zero before the
// error is delivered drops it: the task goes on.
AIO_TEST_CASE("asyncio: a cancellation taken back with uncancel() before it is delivered is dropped",
              "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::TaskRef self = *aio::current_task();
    self.cancel();
    CHECK(self.uncancel() == 0);
    co_await aio::sleep(1s); // no CancelledError here
    CHECK(ms_now() == 1000);
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_cancel_awaited_task (test_task_cancel_waiter_future): cancelling a
// task that awaits another task cancels the inner one, and the error comes back out.
AIO_TEST_CASE("asyncio: cancelling a task that awaits a task cancels both", "[ch06][asyncio]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    Task<int> inner = aio::create_task(sleeper(log, 10s));
    Task<int> outer = aio::create_task([](Task<int>& in) -> Task<int> { co_return co_await in; }(inner));
    co_await aio::sleep(0s);
    outer.cancel();
    const std::string how = co_await outcome_of(std::move(outer));
    CHECK(how == "cancelled");
    CHECK(inner.cancelled());
  };
  aio::run(main(), clock);
  CHECK(log == Log{"cancelled at 0"});
}

// ---- wait_for (test_waitfor) ---------------------------------------------------------------

// test_waitfor.AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
AIO_TEST_CASE("asyncio: wait_for with a zero timeout raises TimeoutError without starting the coroutine",
              "[ch06][asyncio]") {
  VirtualClock clock;
  bool started = false;
  const auto main = [&]() -> Task<> {
    const auto foo = [&]() -> Task<int> {
      started = true;
      co_return 1;
    };
    const std::string how = co_await outcome_of(aio::wait_for(foo(), 0s));
    CHECK(how == "timeout");
    CHECK(ms_now() == 0);
  };
  aio::run(main(), clock);
  CHECK_FALSE(started);
}

// test_waitfor.AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0: a running task under a
// zero (or negative) timeout is cancelled, its cleanup runs, and TimeoutError comes out at once.
AIO_TEST_CASE("asyncio: wait_for with a zero or negative timeout cancels a running task at once", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    for (const aio::Duration timeout : {aio::Duration(0s), aio::Duration(-1s)}) {
      Log log;
      Task<int> running = aio::create_task(sleeper(log, 10s));
      co_await aio::sleep(0s);
      const std::string how = co_await outcome_of(aio::wait_for(std::move(running), timeout));
      CHECK(how == "timeout");
      CHECK(log == Log{"cancelled at 0"});
    }
    CHECK(ms_now() == 0);
  };
  aio::run(main(), clock);
}

// test_waitfor.AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0_future_done: a task done
// already gives its value even with a zero timeout.
AIO_TEST_CASE("asyncio: wait_for with a zero timeout gives the value of a task that is done", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Task<int> done = aio::create_task(value_after(0s, 3));
    co_await done;
    const int value = co_await aio::wait_for(std::move(done), 0s);
    CHECK(value == 3);
  };
  aio::run(main(), clock);
}

// test_waitfor.AsyncioWaitForTest.test_wait_for: on timeout the task is cancelled and awaited.
AIO_TEST_CASE("asyncio: wait_for cancels the task at the deadline and raises TimeoutError", "[ch06][asyncio]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    Task<int> t = aio::create_task(sleeper(log, 10s));
    Task<int> waiting = aio::wait_for(std::move(t), 100ms);
    const std::string how = co_await outcome_of(std::move(waiting));
    CHECK(how == "timeout");
    CHECK(ms_now() == 100);
  };
  aio::run(main(), clock);
  CHECK(log == Log{"cancelled at 100"});
}

// test_waitfor.AsyncioWaitForTest.test_wait_for_race_condition: a result before the deadline wins.
AIO_TEST_CASE("asyncio: wait_for gives a result that comes before the deadline", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Future<std::string> f;
    EventLoop::get_running_loop().call_later(100ms, [f]() mutable { f.set_result("ok"); });
    const std::string value =
        co_await aio::wait_for([](Future<std::string> fut) -> Task<std::string> { co_return co_await fut; }(f), 200ms);
    CHECK(value == "ok");
    CHECK(ms_now() == 100);
  };
  aio::run(main(), clock);
}

// test_waitfor.AsyncioWaitForTest.test_wait_for_cancellation_race_condition and
// test_wait_for_cancel_suppressed: an inner coroutine that swallows the timeout's cancellation
// and returns gives its value.
AIO_TEST_CASE("asyncio: wait_for gives the value of work that swallowed the timeout's cancellation",
              "[ch06][asyncio]") {
  VirtualClock clock;
  aio::testing::RecordingSink sink;
  aio::ScopedSink scope(sink);
  const auto main = []() -> Task<> {
    const int value = co_await aio::wait_for(
        []() -> Task<int> {
          try {
            co_await aio::sleep(10s);
          } catch (const aio::CancelledError&) {
            co_return 42;
          }
          co_return 0;
        }(),
        100ms);
    CHECK(value == 42);
  };
  aio::run(main(), clock);
}

// test_waitfor.AsyncioWaitForTest.test_wait_for_waits_for_task_cancellation: TimeoutError comes
// only after the task's cleanup, which may await, has finished.
AIO_TEST_CASE("asyncio: wait_for raises TimeoutError only after the task's cleanup has finished", "[ch06][asyncio]") {
  VirtualClock clock;
  bool done = false;
  const auto main = [&]() -> Task<> {
    Task<> inner = aio::create_task([](bool& cleaned_up) -> Task<> {
      bool cancelled = false;
      try {
        co_await aio::sleep(10s);
      } catch (const aio::CancelledError&) {
        cancelled = true; // C++ cannot co_await in a handler: the cleanup awaits after it
      }
      if (cancelled) {
        co_await aio::sleep(50ms); // cleanup takes time
        cleaned_up = true;
        throw aio::CancelledError();
      }
    }(done));
    const std::string how = co_await outcome_of(aio::wait_for(std::move(inner), 10ms));
    CHECK(how == "timeout");
    CHECK(done);
    CHECK(ms_now() == 60);
  };
  aio::run(main(), clock);
}

// test_waitfor.AsyncioWaitForTest.test_wait_for_reraises_exception_during_cancellation: an error
// raised by the cleanup replaces the TimeoutError.
AIO_TEST_CASE("asyncio: wait_for passes on an error the cancelled task raised in its cleanup", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Task<> inner = aio::create_task([]() -> Task<> {
      try {
        co_await aio::sleep(200ms);
      } catch (const aio::CancelledError&) {
        throw std::runtime_error("FooException");
      }
    }());
    const std::string how = co_await outcome_of(aio::wait_for(std::move(inner), 10ms));
    CHECK(how == "FooException");
  };
  aio::run(main(), clock);
}

// test_waitfor.AsyncioWaitForTest.test_wait_for_self_cancellation: the task running wait_for,
// cancelled before it starts, ends cancelled; the inner task runs on to its value.
AIO_TEST_CASE("asyncio: cancelling a wait_for before it starts leaves its inner task running", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Task<int> inner = aio::create_task(value_after(300ms, 42));
    Task<int> waiting = aio::create_task([](Task<int>& in) -> Task<int> {
      co_return co_await aio::wait_for([](Task<int>& t) -> Task<int> { co_return co_await t; }(in), 100ms);
    }(inner));
    waiting.cancel();
    const std::string how = co_await outcome_of(std::move(waiting));
    CHECK(how == "cancelled");
    const int value = co_await inner;
    CHECK(value == 42);
  };
  aio::run(main(), clock);
}

// test_waitfor.AsyncioWaitForTest.test_cancel_wait_for: cancelling the task that runs wait_for
// cancels the task it waits for (Python issue #23219).
AIO_TEST_CASE("asyncio: cancelling the task in wait_for cancels the task it waits for", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Future<> never;
    Task<> blocking = aio::create_task([](Future<> f) -> Task<> { co_await f; }(never));
    Task<> waiting = aio::create_task(
        [](Task<>& b) -> Task<> { co_await aio::wait_for([](Task<>& t) -> Task<> { co_await t; }(b), 60s); }(blocking));
    EventLoop::get_running_loop().call_soon([ref = waiting.ref()] { ref.cancel(); });
    const std::string how = co_await outcome_of(std::move(waiting));
    CHECK(how == "cancelled");
    CHECK(blocking.cancelled());
  };
  aio::run(main(), clock);
}

// test_waitfor.AsyncioWaitForTest.test_wait_for_issue86296: a cancel that arrives after wait_for
// has returned is not lost.
AIO_TEST_CASE("asyncio: a cancellation after wait_for returned is not swallowed by it", "[ch06][asyncio]") {
  VirtualClock clock;
  bool reached_end = false;
  const auto main = [&]() -> Task<> {
    Task<> t = aio::create_task([](bool& end) -> Task<> {
      co_await aio::wait_for(value_after(0s, 1), 100s);
      co_await aio::sleep(1s);
      end = true;
    }(reached_end));
    co_await aio::sleep(0s);
    CHECK_FALSE(t.done());
    t.cancel();
    const std::string how = co_await outcome_of(std::move(t));
    CHECK(how == "cancelled");
  };
  aio::run(main(), clock);
  CHECK_FALSE(reached_end);
}

// ---- timeout (test_timeouts) ---------------------------------------------------------------

// test_timeouts.TimeoutTests.test_timeout_basic / test_timeout_at_basic
AIO_TEST_CASE("asyncio: timeout raises TimeoutError at its deadline and says it expired", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    std::optional<aio::TimePoint> when;
    bool expired = false;
    const aio::TimePoint deadline = EventLoop::get_running_loop().time() + 10ms;
    const std::string how = co_await outcome_of(aio::timeout_at(deadline, [&](aio::Timeout& cm) -> Task<> {
      when = cm.when();
      NoteExpired note{cm, expired};
      co_await aio::sleep(10s);
    }));
    CHECK(how == "timeout");
    CHECK(expired);
    CHECK(when == deadline);
    CHECK(ms_now() == 10);
  };
  aio::run(main(), clock);
}

// test_timeouts.TimeoutTests.test_nested_timeouts: with the same deadline, only the outermost
// raises TimeoutError; the inner one lets CancelledError through.
AIO_TEST_CASE("asyncio: nested timeouts with one deadline: only the outer one raises TimeoutError", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    const aio::TimePoint deadline = EventLoop::get_running_loop().time() + 10ms;
    bool inner_cancelled = false;
    const std::string how = co_await outcome_of(aio::timeout_at(deadline, [&](aio::Timeout&) -> Task<> {
      try {
        co_await aio::timeout_at(deadline, nap(10s));
      } catch (const aio::CancelledError&) {
        inner_cancelled = true;
        throw;
      }
    }));
    CHECK(how == "timeout");
    CHECK(inner_cancelled);
  };
  aio::run(main(), clock);
}

// test_timeouts.TimeoutTests.test_timeout_not_called: finished in time, not expired, the deadline
// still ahead.
AIO_TEST_CASE("asyncio: a timeout that does not fire is not expired and its deadline is ahead", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    bool expired = true;
    std::optional<aio::TimePoint> when;
    co_await aio::timeout(10s, [&](aio::Timeout& cm) -> Task<> {
      NoteExpired note{cm, expired};
      when = cm.when();
      co_await aio::sleep(10ms);
    });
    CHECK_FALSE(expired);
    CHECK(when > EventLoop::get_running_loop().time());
  };
  aio::run(main(), clock);
}

// test_timeouts.TimeoutTests.test_timeout_disabled / test_timeout_at_disabled: no deadline, no expiry.
AIO_TEST_CASE("asyncio: timeout_at with no deadline never expires", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    bool expired = true;
    std::optional<aio::TimePoint> when = aio::TimePoint{};
    co_await aio::timeout_at(std::nullopt, [&](aio::Timeout& cm) -> Task<> {
      NoteExpired note{cm, expired};
      when = cm.when();
      co_await aio::sleep(10ms);
    });
    CHECK_FALSE(expired);
    CHECK_FALSE(when.has_value());
  };
  aio::run(main(), clock);
}

// test_timeouts.TimeoutTests.test_timeout_zero: timeout(0) over a long sleep raises TimeoutError
// without time passing.
AIO_TEST_CASE("asyncio: timeout(0) raises TimeoutError at once", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    const std::string how = co_await outcome_of(aio::timeout(0s, nap(10s)));
    CHECK(how == "timeout");
    CHECK(ms_now() == 0);
  };
  aio::run(main(), clock);
}

// test_timeouts.TimeoutTests.test_timeout_zero_sleep_zero: a deadline that is due already fires
// before a body that only yields once gets back.
AIO_TEST_CASE("asyncio: timeout(0) around a zero sleep raises TimeoutError", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    const std::string how = co_await outcome_of(aio::timeout(0s, nap(0s)));
    CHECK(how == "timeout");
  };
  aio::run(main(), clock);
}

// test_timeouts.TimeoutTests.test_timeout_in_the_past_sleep_zero
AIO_TEST_CASE("asyncio: a timeout in the past around a zero sleep raises TimeoutError", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    const std::string how = co_await outcome_of(aio::timeout(-11s, nap(0s)));
    CHECK(how == "timeout");
  };
  aio::run(main(), clock);
}

// test_timeouts.TimeoutTests.test_foreign_exception_passed: another error goes through, unexpired.
AIO_TEST_CASE("asyncio: an error inside a timeout goes through and it is not expired", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    bool expired = true;
    const std::string how = co_await outcome_of(aio::timeout(10ms, [&](aio::Timeout& cm) -> Task<> {
      NoteExpired note{cm, expired};
      throw std::runtime_error("KeyError");
      co_return;
    }));
    CHECK(how == "KeyError");
    CHECK_FALSE(expired);
  };
  aio::run(main(), clock);
}

// test_timeouts.TimeoutTests.test_foreign_exception_on_timeout: an error raised by the cleanup
// after the deadline replaces TimeoutError.
AIO_TEST_CASE("asyncio: an error raised while a timeout's cancellation unwinds replaces TimeoutError",
              "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    const auto crash = []() -> Task<> {
      try {
        co_await aio::sleep(1s);
      } catch (...) {
        throw std::runtime_error("ZeroDivisionError");
      }
    };
    const std::string how = co_await outcome_of(aio::timeout(10ms, crash()));
    CHECK(how == "ZeroDivisionError");
  };
  aio::run(main(), clock);
}

// test_timeouts.TimeoutTests.test_foreign_cancel_doesnt_timeout_if_not_expired
AIO_TEST_CASE("asyncio: a cancellation from elsewhere inside a timeout stays a CancelledError", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    bool expired = true;
    const std::string how = co_await outcome_of(aio::timeout(10s, [&](aio::Timeout& cm) -> Task<> {
      NoteExpired note{cm, expired};
      aio::current_task()->cancel();
      co_await aio::sleep(10s);
    }));
    CHECK(how == "cancelled");
    CHECK_FALSE(expired);
    aio::current_task()->uncancel(); // that cancellation was this test's own
  };
  aio::run(main(), clock);
}

// test_timeouts.TimeoutTests.test_outer_task_is_not_cancelled: the task that ran a timeout which
// fired is not left cancelled.
AIO_TEST_CASE("asyncio: the task whose timeout fired is not cancelled afterwards", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Task<std::string> outer = aio::create_task(outcome_of(aio::timeout(1ms, nap(10s))));
    const std::string how = co_await outer;
    CHECK(how == "timeout");
    CHECK_FALSE(outer.cancelled());
    CHECK(outer.cancelling() == 0);
  };
  aio::run(main(), clock);
}

// test_timeouts.TimeoutTests.test_reschedule: the deadline moves, is removed; a cancel then is a
// plain cancellation, not a timeout.
AIO_TEST_CASE("asyncio: reschedule moves or removes the deadline", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    EventLoop& loop = EventLoop::get_running_loop();
    const aio::TimePoint deadline1 = loop.time() + 10s;
    const aio::TimePoint deadline2 = deadline1 + 20s;
    aio::Timeout* scope = nullptr;
    bool expired = true;
    Task<> t = aio::create_task(aio::timeout_at(deadline1, [&](aio::Timeout& cm) -> Task<> {
      scope = &cm;
      NoteExpired note{cm, expired};
      co_await aio::sleep(50s);
    }));
    co_await aio::sleep(0s);
    REQUIRE(scope != nullptr);
    CHECK(scope->when() == deadline1);
    scope->reschedule(deadline2);
    CHECK(scope->when() == deadline2);
    scope->reschedule(std::nullopt);
    CHECK_FALSE(scope->when().has_value());
    t.cancel();
    const std::string how = co_await outcome_of(std::move(t));
    CHECK(how == "cancelled");
    CHECK_FALSE(expired);
  };
  aio::run(main(), clock);
}

// test_timeouts.TimeoutTests.test_nested_timeout_in_finally: a timeout inside the cleanup of a
// timed-out body works on its own.
AIO_TEST_CASE("asyncio: a timeout inside the cleanup of a timed-out body raises its own TimeoutError",
              "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    std::string inner;
    const std::string how = co_await outcome_of(aio::timeout(10ms, [&](aio::Timeout&) -> Task<> {
      try {
        co_await aio::sleep(1s);
      } catch (const aio::CancelledError&) {
        inner = "caught";
      }
      inner = co_await outcome_of(aio::timeout(10ms, nap(10s)));
      throw aio::CancelledError(); // as the finally block re-raises
    }));
    CHECK(inner == "timeout");
    CHECK(how == "timeout");
    CHECK(ms_now() == 20);
  };
  aio::run(main(), clock);
}

// test_timeouts.TimeoutTests.test_timeout_after_cancellation: after a cancellation was caught
// (and not taken back), a timeout(0) in the cleanup still raises TimeoutError.
AIO_TEST_CASE("asyncio: timeout(0) in the cleanup after a caught cancellation raises TimeoutError", "[ch06][asyncio]") {
  VirtualClock clock;
  aio::testing::RecordingSink sink;
  aio::ScopedSink scope(sink);
  const auto main = []() -> Task<> {
    try {
      aio::current_task()->cancel();
      co_await aio::sleep(1s);
    } catch (const aio::CancelledError&) {}
    const std::string how = co_await outcome_of(aio::timeout(0s, nap(1s)));
    CHECK(how == "timeout");
  };
  aio::run(main(), clock);
}

// test_timeouts.TimeoutTests.test_cancel_in_timeout_after_cancellation
AIO_TEST_CASE("asyncio: a cancel inside a timeout after a caught cancellation stays a CancelledError",
              "[ch06][asyncio]") {
  VirtualClock clock;
  aio::testing::RecordingSink sink;
  aio::ScopedSink scope(sink);
  const auto main = []() -> Task<> {
    try {
      aio::current_task()->cancel();
      co_await aio::sleep(1s);
    } catch (const aio::CancelledError&) {}
    const std::string how = co_await outcome_of(aio::timeout(1s, [](aio::Timeout&) -> Task<> {
      aio::current_task()->cancel();
      co_await aio::sleep(2s);
    }));
    CHECK(how == "cancelled");
  };
  aio::run(main(), clock);
}

// ---- shield (test_tasks.BaseTaskTests) ---------------------------------------------------------

// test_tasks.BaseTaskTests.test_shield_result
AIO_TEST_CASE("asyncio: shield gives the inner task's value", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    const int value = co_await aio::shield(value_after(10ms, 42));
    CHECK(value == 42);
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_shield_exception
AIO_TEST_CASE("asyncio: shield passes on the inner task's exception", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    const std::string how = co_await outcome_of(aio::shield(fail_after(10ms, "inner failed")));
    CHECK(how == "inner failed");
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_shield_cancel_inner: the inner task cancelled makes the shield
// cancelled too.
AIO_TEST_CASE("asyncio: shield of a task that is cancelled is cancelled", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Task<int> inner = aio::create_task(value_after(10s, 1));
    Task<int> shielded = aio::create_task(shielded_wait(inner));
    co_await aio::sleep(0s);
    inner.cancel();
    const std::string how = co_await outcome_of(std::move(shielded));
    CHECK(how == "cancelled");
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_shield_cancel_outer: cancelling the awaiter cancels the shield,
// not the inner task, which runs on to its value.
AIO_TEST_CASE("asyncio: cancelling the awaiter of shield leaves the inner task running", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Task<int> inner = aio::create_task(value_after(100ms, 7));
    Task<int> outer = aio::create_task(shielded_wait(inner));
    co_await aio::sleep(0s);
    outer.cancel();
    const std::string how = co_await outcome_of(std::move(outer));
    CHECK(how == "cancelled");
    CHECK_FALSE(inner.done());
    const int value = co_await inner;
    CHECK(value == 7);
    CHECK(ms_now() == 100);
  };
  aio::run(main(), clock);
}

// ---- TaskGroup (test_taskgroups) -------------------------------------------------------------

// test_taskgroups.TestTaskGroup.test_taskgroup_01: the group waits for its tasks; their results are there.
AIO_TEST_CASE("asyncio: a task group waits for its tasks and their results are there after", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Task<int>* t1 = nullptr;
    Task<int>* t2 = nullptr;
    co_await aio::task_group([&](aio::TaskGroup& g) -> Task<> {
      t1 = &g.create_task(value_after(100ms, 42));
      t2 = &g.create_task(value_after(200ms, 11));
      co_return;
    });
    CHECK(ms_now() == 200);
  };
  aio::run(main(), clock);
}

// test_taskgroups.TestTaskGroup.test_taskgroup_03 / 06: a failing task cancels its siblings and the
// body; the group raises an ExceptionGroup with that failure.
AIO_TEST_CASE("asyncio: a failing task cancels its siblings and the body, and comes out in an ExceptionGroup",
              "[ch06][asyncio]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    std::vector<std::exception_ptr> errors;
    try {
      co_await aio::task_group([&](aio::TaskGroup& g) -> Task<> {
        g.create_task(fail_after(100ms, "ZeroDivisionError"));
        g.create_task(sleeper(log, 10s));
        co_await aio::sleep(10s);
        log.push_back("body went on");
      });
    } catch (const aio::ExceptionGroup& group) {
      errors = group.exceptions();
    }
    REQUIRE(errors.size() == 1);
    CHECK(aio::message_of(errors[0]) == "ZeroDivisionError");
    CHECK(ms_now() == 100);
    CHECK(aio::current_task()->cancelling() == 0);
  };
  aio::run(main(), clock);
  CHECK(log == Log{"cancelled at 100"});
}

// test_taskgroups.TestTaskGroup.test_children_cancel_on_error / test_taskgroup_07: two failing
// tasks are both in the group, in the order they failed.
AIO_TEST_CASE("asyncio: every failure of a group's tasks is in its ExceptionGroup, in order", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    std::vector<std::string> messages;
    try {
      co_await aio::task_group([](aio::TaskGroup& g) -> Task<> {
        g.create_task([]() -> Task<> {
          try {
            co_await aio::sleep(10s);
          } catch (const aio::CancelledError&) {
            throw std::runtime_error("second, in its cleanup");
          }
        }());
        g.create_task(fail_after(100ms, "first"));
        co_return;
      });
    } catch (const aio::ExceptionGroup& group) {
      for (const auto& e : group.exceptions()) messages.push_back(aio::message_of(e));
    }
    CHECK(messages == std::vector<std::string>{"first", "second, in its cleanup"});
  };
  aio::run(main(), clock);
}

// test_taskgroups.TestTaskGroup.test_taskgroup_08 / 10: the body's own error ends the group;
// the tasks are cancelled, and the error is in the ExceptionGroup.
AIO_TEST_CASE("asyncio: an error in the group's body cancels its tasks and comes out in the ExceptionGroup",
              "[ch06][asyncio]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    std::vector<std::exception_ptr> errors;
    try {
      co_await aio::task_group([&](aio::TaskGroup& g) -> Task<> {
        g.create_task(sleeper(log, 10s));
        co_await aio::sleep(100ms);
        throw std::runtime_error("body");
      });
    } catch (const aio::ExceptionGroup& group) {
      errors = group.exceptions();
    }
    REQUIRE(errors.size() == 1);
    CHECK(aio::message_of(errors[0]) == "body");
  };
  aio::run(main(), clock);
  CHECK(log == Log{"cancelled at 100"});
}

// test_taskgroups.TestTaskGroup.test_taskgroup_12 / test_cancellation_in_body: cancelling the task
// that runs the group cancels the tasks and the CancelledError goes on.
AIO_TEST_CASE("asyncio: cancelling the task running a group cancels its tasks and stays a CancelledError",
              "[ch06][asyncio]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    Task<> runner = aio::create_task(aio::task_group([&](aio::TaskGroup& g) -> Task<> {
      g.create_task(sleeper(log, 10s));
      co_await aio::sleep(10s);
    }));
    co_await aio::sleep(100ms);
    runner.cancel();
    const std::string how = co_await outcome_of(std::move(runner));
    CHECK(how == "cancelled");
  };
  aio::run(main(), clock);
  CHECK(log == Log{"cancelled at 100"});
}

// test_taskgroups.TestTaskGroup.test_taskgroup_cancel_children_on_child_error's cancel counts
// (test_taskgroup_uncancel): a group that cancelled its own body takes that cancellation back.
AIO_TEST_CASE("asyncio: a group leaves no cancellation of its own on the task that ran it", "[ch06][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    try {
      co_await aio::task_group([](aio::TaskGroup& g) -> Task<> {
        g.create_task(fail_after(10ms, "child"));
        co_await aio::sleep(1s);
      });
    } catch (const aio::ExceptionGroup&) {}
    CHECK(aio::current_task()->cancelling() == 0);
    co_await aio::sleep(1s); // and nothing is delivered here
    CHECK(ms_now() == 1010);
  };
  aio::run(main(), clock);
}
