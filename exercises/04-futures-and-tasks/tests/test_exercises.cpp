// Chapter 04 exercises. Compiled twice: against your files in exercises/04-futures-and-tasks/
// (what ./course grade 04 runs) and against the reference answers in solutions/. Everything
// runs in aio::run on a VirtualClock, so every time below is exact; every test runs under the
// pitfall guard (a coroutine never awaited, an exception nobody read, a task left pending when
// aio::run returns: each fails the test, naming the culprit).
#include "background.hpp"
#include "then.hpp"
#include "wait_first.hpp"

#include "aio/future.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"
#include "aio/testing/tasks.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

using aio::Future;
using aio::Task;
using aio::VirtualClock;
using aio::testing::ms_now;
using namespace std::chrono_literals;

namespace {

// Sets `future` to `value` after `delay`.
template <class T>
Task<> set_after(Future<T> future, aio::Duration delay, T value) {
  co_await aio::sleep(delay);
  future.set_result(std::move(value));
}

} // namespace

// ---- 4.1 then ------------------------------------------------------------------------------

AIO_TEST_CASE("then: the new future finishes with fn(value), on the loop, after the source", "[ex4.1]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Future<int> source;
    bool ran = false;
    Future<std::string> text = then(source, [&ran](int& n) {
      ran = true;
      return std::to_string(n).insert(0, 1, '#');
    });
    CHECK_FALSE(text.done());
    source.set_result(7);
    CHECK_FALSE(ran); // never inside set_result: on the loop, later
    const std::string value = co_await text;
    CHECK(value == "#7");
    CHECK(ran);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("then: chains, and each step waits for the one before", "[ex4.1]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Future<int> source;
    Task<> setter = aio::create_task(set_after(source, 2s, 20));
    Future<int> plus_one = then(source, [](int& n) { return n + 1; });
    Future<int> doubled = then(plus_one, [](int& n) { return n * 2; });
    const int value = co_await doubled;
    CHECK(value == 42);
    CHECK(ms_now() == 2000);
    co_await setter;
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("then: a failure is passed on, and fn is not called", "[ex4.1]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Future<int> source;
    bool called = false;
    Future<int> next = then(source, [&called](int& n) {
      called = true;
      return n;
    });
    source.set_exception(std::make_exception_ptr(std::runtime_error("no route to host")));
    CHECK_THROWS_WITH(co_await next, "no route to host");
    CHECK_FALSE(called);
    CHECK(source.exception() != nullptr);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("then: an exception thrown by fn fails the new future", "[ex4.1]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Future<std::string> source;
    Future<int> parsed = then(source, [](std::string& s) { return std::stoi(s); });
    source.set_result("not a number");
    CHECK_THROWS_AS(co_await parsed, std::invalid_argument);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("then: cancelling the source cancels the new future", "[ex4.1]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Future<int> source;
    Future<int> next = then(source, [](int& n) { return n; });
    source.cancel();
    CHECK_THROWS_AS(co_await next, aio::CancelledError);
    CHECK(next.cancelled());
  };
  aio::run(main(), clock);
}

// ---- 4.2 wait_first ------------------------------------------------------------------------

AIO_TEST_CASE("wait_first: gives the index of the future done first, as soon as it is", "[ex4.2]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Future<int> slow;
    Future<std::string> fast;
    Task<> a = aio::create_task(set_after(slow, 3s, 1));
    Task<> b = aio::create_task(set_after(fast, 1s, std::string("fast")));
    const std::size_t winner = co_await wait_first(slow, fast);
    CHECK(winner == 1);
    CHECK(ms_now() == 1000);
    CHECK(fast.result() == "fast");
    CHECK_FALSE(slow.done()); // left alone: it goes on
    co_await a;
    co_await b;
    CHECK(slow.result() == 1);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("wait_first: the first one wins too, and a failure or a cancellation counts as done", "[ex4.2]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Future<int> first;
    Future<int> second;
    Task<> a = aio::create_task(set_after(first, 1s, 1));
    Task<> b = aio::create_task(set_after(second, 2s, 2));
    const std::size_t in_time = co_await wait_first(first, second);
    CHECK(in_time == 0);
    co_await a;
    co_await b;

    Future<int> failing;
    Future<int> never;
    failing.set_exception(std::make_exception_ptr(std::runtime_error("down")));
    const std::size_t failure = co_await wait_first(never, failing);
    CHECK(failure == 1);
    CHECK_THROWS_WITH(failing.result(), "down");

    Future<int> cancelled;
    Future<int> other;
    cancelled.cancel();
    const std::size_t cancellation = co_await wait_first(other, cancelled);
    CHECK(cancellation == 1);
    other.set_result(0);
    CHECK(other.result() == 0);
    never.set_result(0);
    CHECK(never.result() == 0);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("wait_first: a future done already wins at once, without waiting", "[ex4.2]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Future<int> done;
    done.set_result(5);
    Future<int> pending;
    const std::size_t second = co_await wait_first(pending, done);
    CHECK(second == 1);
    const std::size_t first = co_await wait_first(done, pending);
    CHECK(first == 0);
    CHECK(ms_now() == 0);
    pending.set_result(0);
    CHECK(pending.result() == 0);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("wait_first: the loser finishing later is harmless", "[ex4.2]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Future<int> a;
    Future<int> b;
    Task<> late = aio::create_task(set_after(b, 5s, 2));
    {
      Task<> early = aio::create_task(set_after(a, 1s, 1));
      const std::size_t winner = co_await wait_first(a, b);
      CHECK(winner == 0);
      co_await early;
    }              // wait_first's frame is gone now
    co_await late; // b finishes: whatever wait_first left on it must not break
    co_await aio::sleep(1s);
    CHECK(b.result() == 2);
  };
  aio::run(main(), clock);
}

// ---- 4.3 Background ------------------------------------------------------------------------

AIO_TEST_CASE("Background: tasks run concurrently, leave the set when they finish, and join waits", "[ex4.3]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Background background;
    std::vector<int> done;
    const auto job = [&done](int id, aio::Duration delay) -> Task<> {
      co_await aio::sleep(delay);
      done.push_back(id);
    };
    background.spawn(job(1, 3s));
    background.spawn(job(2, 1s));
    background.spawn(job(3, 2s));
    CHECK(background.size() == 3);
    co_await aio::sleep(1500ms);
    CHECK(background.size() == 2); // job 2 has finished and gone
    co_await background.join();
    CHECK(ms_now() == 3000);
    CHECK(background.size() == 0);
    CHECK(done == std::vector<int>{2, 3, 1});
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Background: join also waits for tasks spawned while it waits", "[ex4.3]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Background background;
    int finished = 0;
    std::function<Task<>(int)> job; // a job that spawns its successor, three times
    job = [&](int left) -> Task<> {
      co_await aio::sleep(1s);
      ++finished;
      if (left > 0) background.spawn(job(left - 1));
    };
    background.spawn(job(2));
    co_await background.join();
    CHECK(finished == 3);
    CHECK(ms_now() == 3000);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Background: failures are kept in errors(), in order, and none is lost", "[ex4.3]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Background background;
    const auto fail = [](std::string what, aio::Duration delay) -> Task<> {
      co_await aio::sleep(delay);
      throw std::runtime_error(what);
    };
    const auto fine = []() -> Task<> { co_await aio::sleep(1s); };
    background.spawn(fail("second", 2s));
    background.spawn(fine());
    background.spawn(fail("first", 1s));
    co_await background.join();
    REQUIRE(background.errors().size() == 2);
    CHECK_THROWS_WITH(std::rethrow_exception(background.errors()[0]), "first");
    CHECK_THROWS_WITH(std::rethrow_exception(background.errors()[1]), "second");
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Background: with nothing spawned, join returns at once", "[ex4.3]") {
  VirtualClock clock;
  const auto main = []() -> Task<> {
    Background background;
    co_await background.join();
    CHECK(background.size() == 0);
    CHECK(ms_now() == 0);
  };
  aio::run(main(), clock);
}
