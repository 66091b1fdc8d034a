// Conformance with asyncio.gather, asyncio.wait and asyncio.as_completed: each case follows what
// a test of CPython's Lib/test/test_asyncio/test_tasks.py asserts (named in the comment above it).
#include "aio/future.hpp"
#include "aio/gather.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/wait.hpp"

#include "aio/testing/guard.hpp"
#include "aio/testing/tasks.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using aio::Future;
using aio::Task;
using aio::VirtualClock;
using aio::testing::fail_after;
using aio::testing::ms_now;
using aio::testing::value_after;
using namespace std::chrono_literals;

namespace {

Task<int> await_future(Future<int> f) { co_return co_await f; }

// Cancels `task` after `delay`, as a third party would.
Task<> cancel_after(aio::Duration delay, aio::TaskRef task) {
  co_await aio::sleep(delay);
  task.cancel();
}

} // namespace

// test_tasks.GatherTests (CoroutineGatherTests).test_constructor_empty_sequence: gathering
// nothing is done at once, with no values.
AIO_TEST_CASE("asyncio: gather of no tasks gives an empty result at once", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    const std::vector<int> values = co_await aio::gather(std::vector<Task<int>>{});
    CHECK(values.empty());
    CHECK(ms_now() == 0);
  };
  aio::run(main(), clock);
}

// test_tasks.FutureGatherTests.test_result_order (test_one_exception's sibling): values come in
// argument order whatever the finishing order.
AIO_TEST_CASE("asyncio: gather gives values in argument order, after the slowest", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    const auto [a, b, c] = co_await aio::gather(value_after(3s, 1), value_after(1s, 2), value_after(2s, 3));
    CHECK(std::tuple(a, b, c) == std::tuple(1, 2, 3));
    CHECK(ms_now() == 3000);
  };
  aio::run(main(), clock);
}

// test_tasks.FutureGatherTests.test_one_exception: the first exception comes out at once; the
// other children are not cancelled and run on.
AIO_TEST_CASE("asyncio: gather raises the first exception at once and leaves the others running", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Task<int> slow = aio::create_task(value_after(5s, 1));
    std::string error;
    try {
      co_await aio::gather(fail_after(1s, "first"), std::move(slow));
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
    CHECK(error == "first");
    CHECK(ms_now() == 1000);
    CHECK(aio::all_tasks().size() == 2); // main, and the slow child, still running
    co_await aio::sleep(5s);
  };
  aio::run(main(), clock);
}

// test_tasks.FutureGatherTests.test_return_exceptions: with return_exceptions the failures are
// results, in order.
AIO_TEST_CASE("asyncio: gather_settled gives failures as results, in argument order", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    auto [a, b, c] = co_await aio::gather_settled(value_after(1s, 1), fail_after(2s, "b"), value_after(3s, 3));
    CHECK(a.value() == 1);
    CHECK_FALSE(b.ok());
    CHECK(aio::message_of(b.error()) == "b");
    CHECK(c.value() == 3);
    CHECK(ms_now() == 3000);
  };
  aio::run(main(), clock);
}

// test_tasks.FutureGatherTests.test_one_cancellation: a child cancelled makes gather raise
// CancelledError. asyncio's gathering future then holds CancelledError as its exception; this
// runtime's gather is a task, which ends cancelled (see docs/python-to-cpp.md).
AIO_TEST_CASE("asyncio: a cancelled child makes gather raise CancelledError", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Future<int> f; // the child awaits it, and ends cancelled when it is cancelled
    Task<std::tuple<int, int>> gathering = aio::create_task(aio::gather(await_future(f), value_after(2s, 2)));
    co_await aio::sleep(0s);
    f.cancel();
    bool cancelled = false;
    try {
      co_await gathering;
    } catch (const aio::CancelledError&) {
      cancelled = true;
    }
    CHECK(cancelled);
    CHECK(gathering.cancelled()); // asyncio: not cancelled(), but CancelledError as its exception
    CHECK(ms_now() == 0);
    co_await aio::sleep(2s); // the other child runs on
  };
  aio::run(main(), clock);
}

// test_tasks.FutureGatherTests.test_result_exception_one_cancellation: with return_exceptions, a
// cancelled child is a CancelledError among the results.
AIO_TEST_CASE("asyncio: gather_settled gives a cancelled child as CancelledError", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Task<int> doomed = aio::create_task(value_after(5s, 1));
    Task<> c = aio::create_task(cancel_after(1s, doomed.ref()));
    std::vector<Task<int>> tasks;
    tasks.push_back(value_after(2s, 2));
    tasks.push_back(std::move(doomed));
    auto outcomes = co_await aio::gather_settled(std::move(tasks));
    co_await c;
    CHECK(outcomes[0].value() == 2);
    CHECK_THROWS_AS(std::rethrow_exception(outcomes[1].error()), aio::CancelledError);
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_cancel_gather_1: once every child is done, cancelling the gather
// is refused (cancel() is false) and its result is kept (Python issue #26923).
AIO_TEST_CASE("asyncio: a gather whose children are all done refuses cancel() and keeps its result",
              "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Future<int> f;
    Task<std::vector<int>> gathering = [](Future<int> fut) -> Task<std::vector<int>> {
      std::vector<Task<int>> children;
      children.push_back(await_future(fut));
      co_return co_await aio::gather(std::move(children));
    }(f);
    gathering = aio::create_task(std::move(gathering));
    co_await aio::sleep(0s); // the child waits on f
    std::optional<bool> cancel_result;
    f.add_done_callback([&](Future<int>&) { cancel_result = gathering.cancel(); });
    f.set_result(42); // the child finishes, then the callback cancels the gather
    const std::vector<int> values = co_await gathering;
    REQUIRE(cancel_result.has_value());
    CHECK_FALSE(*cancel_result);
    CHECK_FALSE(gathering.cancelled());
    CHECK(values == std::vector<int>{42});
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_cancel_gather_2: cancelling the task that awaits a gather (even
// one that returns exceptions) raises CancelledError there, and cancels the children.
AIO_TEST_CASE("asyncio: cancelling the awaiter of gather_settled raises CancelledError and cancels the children",
              "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Task<int> child = aio::create_task(value_after(10s, 1));
    Task<> awaiting =
        aio::create_task([](Task<int>& c) -> Task<> { co_await aio::gather_settled(std::move(c)); }(child));
    co_await aio::sleep(200ms);
    CHECK(awaiting.cancel());
    bool cancelled = false;
    try {
      co_await awaiting;
    } catch (const aio::CancelledError&) {
      cancelled = true;
    }
    CHECK(cancelled);
    CHECK(ms_now() == 200);
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_wait: ALL_COMPLETED returns once the slowest is done, nothing pending.
AIO_TEST_CASE("asyncio: wait(ALL_COMPLETED) returns after the slowest with nothing pending", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    std::vector<Task<int>> tasks;
    tasks.push_back(value_after(100ms, 1));
    tasks.push_back(value_after(150ms, 2));
    auto [done, pending] = co_await aio::wait(std::move(tasks));
    CHECK(done.size() == 2);
    CHECK(pending.empty());
    CHECK(ms_now() == 150);
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_wait_first_completed
AIO_TEST_CASE("asyncio: wait(FIRST_COMPLETED) returns at the first one done", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    std::vector<Task<int>> tasks;
    tasks.push_back(value_after(10s, 1));
    tasks.push_back(value_after(100ms, 2));
    auto [done, pending] = co_await aio::wait(std::move(tasks), aio::FIRST_COMPLETED);
    REQUIRE(done.size() == 1);
    CHECK(done[0].result() == 2);
    CHECK(pending.size() == 1);
    CHECK(ms_now() == 100);
    pending[0].cancel();
    co_await aio::wait(std::move(pending));
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_wait_first_exception
AIO_TEST_CASE("asyncio: wait(FIRST_EXCEPTION) returns at the first exception", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    std::vector<Task<int>> tasks;
    tasks.push_back(value_after(10s, 1));
    tasks.push_back(fail_after(1s, "boom"));
    auto [done, pending] = co_await aio::wait(std::move(tasks), aio::FIRST_EXCEPTION);
    REQUIRE(done.size() == 1);
    CHECK(done[0].exception() != nullptr);
    CHECK(pending.size() == 1);
    CHECK(ms_now() == 1000);
    pending[0].cancel();
    co_await aio::wait(std::move(pending));
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_wait_first_exception (asyncio's _wait: a cancelled task is not an
// exception): under FIRST_EXCEPTION a cancellation does not end the wait.
AIO_TEST_CASE("asyncio: wait(FIRST_EXCEPTION) does not count a cancelled task as an exception", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Task<int> doomed = aio::create_task(value_after(10s, 1));
    Task<> c = aio::create_task(cancel_after(1s, doomed.ref()));
    std::vector<Task<int>> tasks;
    tasks.push_back(std::move(doomed));
    tasks.push_back(value_after(3s, 2));
    auto [done, pending] = co_await aio::wait(std::move(tasks), aio::FIRST_EXCEPTION);
    CHECK(ms_now() == 3000); // not 1000: the cancellation at 1 s did not end it
    CHECK(done.size() == 2);
    CHECK(pending.empty());
    co_await c;
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_wait_with_exception: ALL_COMPLETED waits for every task even when
// one fails, and reads no exception.
AIO_TEST_CASE("asyncio: wait(ALL_COMPLETED) waits for all even after a failure", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    std::vector<Task<int>> tasks;
    tasks.push_back(fail_after(100ms, "early"));
    tasks.push_back(value_after(150ms, 2));
    auto [done, pending] = co_await aio::wait(std::move(tasks));
    CHECK(ms_now() == 150);
    CHECK(done.size() == 2);
    CHECK(pending.empty());
    CHECK_THROWS_WITH(done[0].result(), "early");
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_wait_with_timeout: the timeout ends the wait, with what is not
// done in pending, and no TimeoutError.
AIO_TEST_CASE("asyncio: wait with a timeout returns at the timeout with the rest pending", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    std::vector<Task<int>> tasks;
    tasks.push_back(value_after(100ms, 1));
    tasks.push_back(value_after(150ms, 2));
    auto [done, pending] = co_await aio::wait(std::move(tasks), aio::ALL_COMPLETED, 110ms);
    CHECK(ms_now() == 110);
    REQUIRE(done.size() == 1);
    CHECK(done[0].result() == 1);
    REQUIRE(pending.size() == 1);
    const int last = co_await pending[0];
    CHECK(last == 2);
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_wait_errors: an empty set of tasks is refused.
AIO_TEST_CASE("asyncio: wait of no tasks is refused with a clear error", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<bool> {
    try {
      co_await aio::wait(std::vector<Task<int>>{});
    } catch (const std::invalid_argument&) {
      co_return true;
    }
    co_return false;
  };
  CHECK(aio::run(main(), clock));
}

// test_tasks.BaseTaskTests.test_wait_really_done: tasks done before wait() are in done at once.
AIO_TEST_CASE("asyncio: wait returns at once for tasks that are done already", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    std::vector<Task<int>> tasks;
    tasks.push_back(aio::create_task(value_after(0s, 1)));
    co_await aio::sleep(0s);
    co_await aio::sleep(0s);
    REQUIRE(tasks[0].done());
    auto [done, pending] = co_await aio::wait(std::move(tasks), aio::FIRST_COMPLETED);
    CHECK(done.size() == 1);
    CHECK(pending.empty());
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_as_completed: results in the order the tasks finish.
AIO_TEST_CASE("asyncio: as_completed gives results in finishing order, each as it finishes", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    std::vector<Task<std::string>> tasks;
    tasks.push_back(value_after(150ms, std::string("a")));
    tasks.push_back(value_after(100ms, std::string("b")));
    tasks.push_back(value_after(120ms, std::string("c")));
    aio::AsCompleted<std::string> arriving(std::move(tasks));
    std::vector<std::string> order;
    std::vector<long long> when;
    while (!arriving.empty()) {
      order.push_back(co_await arriving.next());
      when.push_back(ms_now());
    }
    CHECK(order == std::vector<std::string>{"b", "c", "a"});
    CHECK(when == std::vector<long long>{100, 120, 150});
  };
  aio::run(main(), clock);
}

// test_tasks.BaseTaskTests.test_as_completed_reverse_wait / with an exception: a failure comes
// out of its own next(), and the others follow.
AIO_TEST_CASE("asyncio: as_completed raises a failure at its turn and goes on", "[ch05][asyncio]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    std::vector<Task<int>> tasks;
    tasks.push_back(value_after(200ms, 2));
    tasks.push_back(fail_after(100ms, "first"));
    aio::AsCompleted<int> arriving(std::move(tasks));
    bool failed = false;
    try {
      co_await arriving.next();
    } catch (const std::runtime_error&) {
      failed = true;
    }
    CHECK(failed);
    const int second = co_await arriving.next();
    CHECK(second == 2);
  };
  aio::run(main(), clock);
}
