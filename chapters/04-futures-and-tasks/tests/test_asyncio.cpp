// Conformance with asyncio's futures, tasks and asyncio.run: each case follows what a test of
// CPython's Lib/test/test_asyncio asserts (named in the comment above it).
#include "aio/future.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using aio::EventLoop;
using aio::Future;
using aio::Task;
using aio::VirtualClock;
using Log = std::vector<std::string>;
using namespace std::chrono_literals;

// test_futures.BaseFutureTests.test_initial_state
AIO_TEST_CASE("asyncio: a new future is pending, not cancelled, and has no result to read", "[ch04][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Future<int> f(loop);
  CHECK_FALSE(f.cancelled());
  CHECK_FALSE(f.done());
  CHECK_THROWS_AS(f.result(), aio::InvalidStateError);
  CHECK_THROWS_AS(f.exception(), aio::InvalidStateError);
  f.cancel();
  CHECK(f.cancelled());
}

// test_futures.BaseFutureTests.test_cancel
AIO_TEST_CASE("asyncio: a cancelled future refuses a result and a second cancel", "[ch04][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Future<int> f(loop);
  CHECK(f.cancel());
  CHECK(f.cancelled());
  CHECK(f.done());
  CHECK_THROWS_AS(f.result(), aio::CancelledError);
  CHECK_THROWS_AS(f.exception(), aio::CancelledError);
  CHECK_THROWS_AS(f.set_result(1), aio::InvalidStateError);
  CHECK_THROWS_AS(f.set_exception(std::make_exception_ptr(std::runtime_error("x"))), aio::InvalidStateError);
  CHECK_FALSE(f.cancel());
}

// test_futures.BaseFutureTests.test_result
AIO_TEST_CASE("asyncio: a future with a result is done, has no exception and cannot be cancelled", "[ch04][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Future<int> f(loop);
  f.set_result(42);
  CHECK_FALSE(f.cancelled());
  CHECK(f.done());
  CHECK(f.result() == 42);
  CHECK(f.exception() == nullptr);
  CHECK_THROWS_AS(f.set_result(1), aio::InvalidStateError);
  CHECK_FALSE(f.cancel());
}

// test_futures.BaseFutureTests.test_exception
AIO_TEST_CASE("asyncio: a future with an exception rethrows it from result()", "[ch04][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Future<int> f(loop);
  const auto error = std::make_exception_ptr(std::runtime_error("broken"));
  f.set_exception(error);
  CHECK(f.done());
  CHECK_THROWS_WITH(f.result(), "broken");
  CHECK(f.exception() == error);
  CHECK_FALSE(f.cancel());
}

// test_futures.BaseFutureDoneCallbackTests.test_callbacks_invoked_on_set_result: callbacks run
// soon, in the order they were added, never inside set_result().
AIO_TEST_CASE("asyncio: done callbacks run on the loop after set_result, in the order added", "[ch04][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Future<int> f(loop);
  Log log;
  f.add_done_callback([&](Future<int>& done) { log.push_back("a saw " + std::to_string(done.result())); });
  f.add_done_callback([&](Future<int>&) { log.push_back("b"); });
  f.set_result(10);
  CHECK(log.empty());
  loop.run_once();
  CHECK(log == Log{"a saw 10", "b"});
}

// test_futures.BaseFutureDoneCallbackTests.test_callbacks_invoked_on_set_exception
AIO_TEST_CASE("asyncio: done callbacks run after set_exception and see the exception", "[ch04][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Future<int> f(loop);
  std::string seen;
  f.add_done_callback([&](Future<int>& done) { seen = aio::message_of(done.exception()); });
  f.set_exception(std::make_exception_ptr(std::runtime_error("failed")));
  CHECK(seen.empty());
  loop.run_once();
  CHECK(seen == "failed");
}

// test_futures.BaseFutureDoneCallbackTests.test_callbacks_invoked_on_set_result (a future done
// already): a callback added later is scheduled, not called at once.
AIO_TEST_CASE("asyncio: a done callback added to a done future runs on the next pass", "[ch04][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Future<int> f(loop);
  f.set_result(1);
  bool ran = false;
  f.add_done_callback([&](Future<int>&) { ran = true; });
  CHECK_FALSE(ran);
  loop.run_once();
  CHECK(ran);
}

// test_futures.BaseFutureTests.test_cancel (callbacks): cancel() wakes the callbacks too.
AIO_TEST_CASE("asyncio: cancel() runs the done callbacks, which see a cancelled future", "[ch04][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Future<> f(loop);
  bool saw_cancelled = false;
  f.add_done_callback([&](Future<>& done) { saw_cancelled = done.cancelled(); });
  f.cancel();
  loop.run_once();
  CHECK(saw_cancelled);
}

// test_tasks.BaseTaskTests.test_task_basics: a coroutine awaited inside a task gives its value.
AIO_TEST_CASE("asyncio: awaiting coroutines inside a task gives their values", "[ch04][asyncio]") {
  VirtualClock clock;
  const auto inner = []() -> Task<int> { co_return 1; };
  const auto outer = [&]() -> Task<int> {
    const int a = co_await inner();
    const int b = co_await inner();
    co_return 1000 + a + b;
  };
  CHECK(aio::run(outer(), clock) == 1002);
}

// test_tasks.BaseTaskTests.test_create_task: create_task schedules the task; it does not run
// inside create_task.
AIO_TEST_CASE("asyncio: create_task does not run the coroutine until the creator yields", "[ch04][asyncio]") {
  VirtualClock clock;
  Log log;
  const auto child = [&]() -> Task<> {
    log.push_back("child");
    co_return;
  };
  const auto main = [&]() -> Task<> {
    Task<> task = aio::create_task(child());
    log.push_back("created");
    CHECK_FALSE(task.done());
    co_await aio::sleep(0s);
    log.push_back("after yield");
    CHECK(task.done());
  };
  aio::run(main(), clock);
  CHECK(log == Log{"created", "child", "after yield"});
}

// test_tasks.BaseTaskTests.test_current_task
AIO_TEST_CASE("asyncio: current_task() is the running task and none outside the loop", "[ch04][asyncio]") {
  VirtualClock clock;
  CHECK_FALSE(aio::current_task().has_value());
  const auto main = []() -> Task<bool> {
    Task<aio::TaskRef> other = aio::create_task([]() -> Task<aio::TaskRef> { co_return *aio::current_task(); }());
    const aio::TaskRef seen = co_await other;
    co_return seen == other.ref() && *aio::current_task() != other.ref();
  };
  CHECK(aio::run(main(), clock));
}

// test_tasks.BaseTaskTests.test_task_set_name_pylong, test_task_default_name_generator: tasks are
// numbered "Task-<n>" in order of creation; set_name renames.
AIO_TEST_CASE("asyncio: tasks are named Task-n in creation order and can be renamed", "[ch04][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Task<> a = aio::create_task([]() -> Task<> { co_return; }());
    Task<> b = aio::create_task([]() -> Task<> { co_return; }());
    const int na = std::stoi(a.name().substr(5));
    CHECK(a.name().rfind("Task-", 0) == 0);
    CHECK(b.name() == std::string("Task-").append(std::to_string(na + 1)));
    b.set_name("renamed");
    CHECK(b.name() == "renamed");
    co_await a;
    co_await b;
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_all_tasks (asyncio.all_tasks excludes done tasks).
AIO_TEST_CASE("asyncio: all_tasks() lists pending tasks only", "[ch04][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Task<> quick = aio::create_task([]() -> Task<> { co_return; }());
    Task<> slow = aio::create_task([]() -> Task<> { co_await aio::sleep(1s); }());
    co_await quick;
    const auto tasks = aio::all_tasks();
    CHECK(tasks.size() == 2); // main and slow
    CHECK(std::find(tasks.begin(), tasks.end(), quick.ref()) == tasks.end());
    co_await slow;
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_exception_chaining_after_await / test_task_exception: an exception
// in a task comes out of the await, and of result().
AIO_TEST_CASE("asyncio: a task's exception comes out of co_await and of result()", "[ch04][asyncio]") {
  VirtualClock clock;
  const auto failing = []() -> Task<int> {
    co_await aio::sleep(1s);
    throw std::invalid_argument("bad input");
  };
  const auto main = [&]() -> Task<> {
    Task<int> task = aio::create_task(failing());
    bool raised = false;
    try {
      co_await task;
    } catch (const std::invalid_argument&) {
      raised = true;
    }
    CHECK(raised);
    CHECK(task.done());
    CHECK_FALSE(task.cancelled());
    CHECK_THROWS_WITH(task.result(), "bad input");
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_sleep: sleep(d) lasts d on the loop's clock.
AIO_TEST_CASE("asyncio: sleep(d) suspends for exactly d of loop time", "[ch04][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<aio::Duration> {
    EventLoop& loop = EventLoop::get_running_loop();
    const aio::TimePoint t0 = loop.time();
    co_await aio::sleep(100ms);
    co_return loop.time() - t0;
  };
  CHECK(aio::run(main(), clock) == 100ms);
}

// test_tasks.BaseTaskTests.test_sleep_zero (and asyncio.sleep(0)'s documented yield): exactly
// one trip round the loop, so tasks that sleep(0) in turn alternate.
AIO_TEST_CASE("asyncio: sleep(0) yields one pass, so two tasks alternate", "[ch04][asyncio]") {
  VirtualClock clock;
  Log log;
  const auto worker = [&](std::string name) -> Task<> {
    for (int i = 0; i < 3; ++i) {
      log.push_back(name + std::to_string(i));
      co_await aio::sleep(0s);
    }
  };
  const auto main = [&]() -> Task<> {
    Task<> a = aio::create_task(worker("a"));
    Task<> b = aio::create_task(worker("b"));
    co_await a;
    co_await b;
  };
  aio::run(main(), clock);
  CHECK(log == Log{"a0", "b0", "a1", "b1", "a2", "b2"});
  CHECK(clock.now() == aio::TimePoint{});
}

// test_tasks.BaseTaskTests.test_wait_for_future... (several awaiters): every task awaiting a
// future wakes, in the order they started waiting.
AIO_TEST_CASE("asyncio: tasks awaiting one future all wake, in the order they waited", "[ch04][asyncio]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    Future<int> f;
    const auto waiter = [&log](Future<int> fut, std::string name) -> Task<> {
      const int v = co_await fut;
      log.push_back(name + std::to_string(v));
    };
    Task<> a = aio::create_task(waiter(f, "a"));
    Task<> b = aio::create_task(waiter(f, "b"));
    co_await aio::sleep(0s);
    f.set_result(7);
    co_await a;
    co_await b;
  };
  aio::run(main(), clock);
  CHECK(log == Log{"a7", "b7"});
}

// test_runners.RunTests.test_asyncio_run_return, test_asyncio_run_raises
AIO_TEST_CASE("asyncio: run() gives main's value or raises main's exception", "[ch04][asyncio]") {
  VirtualClock clock;
  CHECK(aio::run([]() -> Task<int> { co_return 42; }(), clock) == 42);
  CHECK_THROWS_WITH(aio::run([]() -> Task<int> { throw std::runtime_error("spam"); }(), clock), "spam");
}

// test_runners.RunTests.test_asyncio_run_only_coro / test_asyncio_run_from_running_loop: run()
// inside a running loop is refused.
AIO_TEST_CASE("asyncio: run() inside a running loop is refused", "[ch04][asyncio]") {
  VirtualClock clock;
  aio::testing::RecordingSink sink;
  aio::ScopedSink scope(sink);
  const auto main = [&]() -> Task<bool> {
    try {
      aio::run([]() -> Task<> { co_return; }(), clock);
    } catch (const std::logic_error&) {
      co_return true;
    }
    co_return false;
  };
  CHECK(aio::run(main(), clock));
  CHECK(sink.count(aio::Pitfall::nested_run) == 1);
}

// test_runners.RunTests.test_asyncio_run_cancels_hanging_tasks: tasks left pending when main
// returns are cancelled, and their cleanup runs before run() returns.
AIO_TEST_CASE("asyncio: run() cancels the tasks main left behind and lets them clean up", "[ch04][asyncio]") {
  VirtualClock clock;
  aio::testing::RecordingSink sink;
  aio::ScopedSink scope(sink);
  bool cleaned_up = false;
  const auto hanging = [&]() -> Task<> {
    try {
      co_await aio::sleep(10s);
    } catch (const aio::CancelledError&) {
      cleaned_up = true;
      throw;
    }
  };
  const auto main = [&]() -> Task<> {
    aio::create_task(hanging()).detach();
    co_await aio::sleep(1s);
  };
  aio::run(main(), clock);
  CHECK(cleaned_up);
  CHECK(clock.now() == aio::TimePoint{} + 1s);
  CHECK(sink.count(aio::Pitfall::destroyed_pending) == 1);
}

// test_tasks.BaseTaskTests.test_run_until_complete / test_events.test_run_until_complete: the
// loop runs until the task is done, and gives its value.
AIO_TEST_CASE("asyncio: run_until_complete gives the task's value and leaves the loop open", "[ch04][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  const int value = aio::run_until_complete(loop, []() -> Task<int> {
    co_await aio::sleep(100ms);
    co_return 3;
  }());
  CHECK(value == 3);
  CHECK(loop.time() == aio::TimePoint{} + 100ms);
  CHECK_FALSE(loop.is_closed());
}
