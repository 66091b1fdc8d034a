// Future<T>: its states, setting it once, reading it, done callbacks through the loop, awaiting it.
#include "aio/future.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using aio::CancelledError;
using aio::EventLoop;
using aio::Future;
using aio::FutureState;
using aio::InvalidStateError;
using aio::Task;
using aio::VirtualClock;
using namespace std::chrono_literals;

AIO_TEST_CASE("a new future is pending, and has neither result nor exception yet", "[ch04][future]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Future<int> future(loop);
  CHECK_FALSE(future.done());
  CHECK_FALSE(future.cancelled());
  CHECK_THROWS_AS(future.result(), InvalidStateError);
  CHECK_THROWS_AS(future.exception(), InvalidStateError);
}

AIO_TEST_CASE("set_result finishes a future once, and every copy sees it", "[ch04][future]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Future<std::string> future(loop);
  Future<std::string> same = future;
  future.set_result("ready");
  CHECK(same.done());
  CHECK(same.result() == "ready");
  CHECK(same.exception() == nullptr);
  CHECK_THROWS_AS(same.set_result("again"), InvalidStateError);
  CHECK_THROWS_AS(future.set_exception(std::make_exception_ptr(std::runtime_error("late"))), InvalidStateError);
  CHECK_FALSE(future.cancel());
  CHECK(future.result() == "ready");
}

AIO_TEST_CASE("set_exception finishes a future whose result() rethrows", "[ch04][future]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Future<int> future(loop);
  future.set_exception(std::make_exception_ptr(std::runtime_error("no such user")));
  CHECK(future.done());
  CHECK_FALSE(future.cancelled());
  CHECK_THROWS_WITH(future.result(), "no such user");
  CHECK(future.exception() != nullptr);
}

AIO_TEST_CASE("cancel() turns a pending future into a cancelled one, and only a pending one", "[ch04][future]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Future<> future(loop);
  CHECK(future.cancel());
  CHECK(future.done());
  CHECK(future.cancelled());
  CHECK_THROWS_AS(future.result(), CancelledError);
  CHECK_THROWS_AS(future.exception(), CancelledError);
  CHECK_FALSE(future.cancel());
  CHECK_THROWS_AS(future.set_result(), InvalidStateError);
}

AIO_TEST_CASE("done callbacks run on the loop after set_result returns, in the order they were added",
              "[ch04][future]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Future<int> future(loop);
  std::vector<std::string> events;
  future.add_done_callback([&](Future<int>& f) { events.push_back("first saw " + std::to_string(f.result())); });
  future.add_done_callback([&](Future<int>& f) { events.push_back("second saw " + std::to_string(f.result())); });
  future.set_result(7);
  events.push_back("set_result returned");
  future.add_done_callback([&](Future<int>&) { events.push_back("added when done"); });
  loop.run_once();
  CHECK(events == std::vector<std::string>{"set_result returned", "first saw 7", "second saw 7", "added when done"});
}

AIO_TEST_CASE("co_await on a future suspends until it is set, then gives the value", "[ch04][future]") {
  VirtualClock clock;
  std::vector<std::string> events;
  const auto main = [&]() -> Task<int> {
    Future<int> future;
    const auto setter = [&](Future<int> f) -> Task<> {
      co_await aio::sleep(1s);
      events.push_back("setting");
      f.set_result(42);
      events.push_back("set");
    };
    Task<> task = aio::create_task(setter(future));
    const int value = co_await future;
    events.push_back("main woke up with " + std::to_string(value));
    co_await task;
    co_return value;
  };
  CHECK(aio::run(main(), clock) == 42);
  CHECK(events == std::vector<std::string>{"setting", "set", "main woke up with 42"});
}

AIO_TEST_CASE("every coroutine awaiting a future wakes, in the order they started waiting", "[ch04][future]") {
  VirtualClock clock;
  std::vector<int> order;
  const auto main = [&]() -> Task<> {
    Future<int> future;
    const auto waiter = [&](Future<int> f, int id) -> Task<> {
      const int& value = co_await f;
      order.push_back(id * value);
    };
    std::vector<Task<>> tasks;
    for (int id = 1; id <= 3; ++id) tasks.push_back(aio::create_task(waiter(future, id)));
    co_await aio::sleep(0s); // all three are waiting now
    future.set_result(10);
    for (auto& task : tasks) co_await task;
  };
  aio::run(main(), clock);
  CHECK(order == std::vector<int>{10, 20, 30});
}

AIO_TEST_CASE("awaiting a failed future throws its exception and a cancelled one throws CancelledError",
              "[ch04][future]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    Future<int> failed;
    failed.set_exception(std::make_exception_ptr(std::runtime_error("boom")));
    CHECK_THROWS_WITH(co_await failed, "boom");
    Future<int> cancelled;
    cancelled.cancel();
    CHECK_THROWS_AS(co_await cancelled, CancelledError);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("co_await on a temporary future moves its value out", "[ch04][future]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    const auto ready = [](std::string text) {
      Future<std::string> future;
      future.set_result(std::move(text));
      return future;
    };
    const std::string moved = co_await ready("taken");
    CHECK(moved == "taken");
  };
  aio::run(main(), clock);
}

TEST_CASE("a future whose exception nobody reads is reported when the last copy goes", "[ch04][future][pitfall]") {
  aio::testing::RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  EventLoop loop(clock);
  {
    Future<int> future(loop);
    future.set_exception(std::make_exception_ptr(std::runtime_error("lost")));
  }
  REQUIRE(sink.count(aio::Pitfall::exception_never_retrieved) == 1);
  CHECK_THAT(sink.reports().front().summary, Catch::Matchers::Contains("std::runtime_error: lost"));
  {
    Future<int> future(loop);
    future.set_exception(std::make_exception_ptr(std::runtime_error("read")));
    CHECK(future.exception() != nullptr);
  }
  CHECK(sink.count(aio::Pitfall::exception_never_retrieved) == 1);
}

TEST_CASE("a task waiting on a future that is destroyed is reported: it can never wake", "[ch04][future][pitfall]") {
  aio::testing::RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    auto* future = new Future<int>();
    const auto wait_on = [](Future<int>& f) -> Task<> { co_await f; };
    Task<> waiting = aio::create_task(wait_on(*future), "waiter");
    co_await aio::sleep(0s);
    delete future;
    CHECK_FALSE(waiting.done());
  };
  aio::run(main(), clock);
  REQUIRE(sink.count(aio::Pitfall::destroyed_pending) == 1);
  CHECK_THAT(sink.reports().front().summary, Catch::Matchers::Contains("task 'waiter'"));
}
