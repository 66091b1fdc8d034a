// Task<T>: awaited inline or run as a task; eager scheduling, names, current_task, all_tasks,
// results and exceptions, detaching, and the cost model (no stack growth, frames freed).
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using aio::Task;
using aio::VirtualClock;
using Catch::Matchers::Matches;
using namespace std::chrono_literals;

namespace {

Task<int> add_later(int a, int b) {
  co_await aio::sleep(1s);
  co_return a + b;
}

Task<int> fail_later(std::string message) {
  co_await aio::sleep(1s);
  throw std::runtime_error(message);
}

Task<int> immediately(int value) { co_return value; }

// Counts the frames alive that hold one of these.
struct Alive {
  static inline int count = 0;
  Alive() { ++count; }
  ~Alive() { --count; }
  Alive(const Alive&) = delete;
  Alive& operator=(const Alive&) = delete;
};

} // namespace

AIO_TEST_CASE("co_await on a coroutine runs it right away, inside the awaiting task", "[ch04][task]") {
  VirtualClock clock;
  std::vector<std::string> events;
  const auto child = [&]() -> Task<int> {
    events.push_back("child runs");
    co_return 5;
  };
  const auto main = [&]() -> Task<int> {
    events.push_back("main before");
    const int value = co_await child();
    events.push_back("main after");
    co_return value;
  };
  CHECK(aio::run(main(), clock) == 5);
  CHECK(events == std::vector<std::string>{"main before", "child runs", "main after"});
}

AIO_TEST_CASE("create_task queues the task: it starts once its creator gives the loop back", "[ch04][task]") {
  VirtualClock clock;
  std::vector<std::string> events;
  const auto worker = [&]() -> Task<> {
    events.push_back("worker starts");
    co_return;
  };
  const auto main = [&]() -> Task<> {
    Task<> task = aio::create_task(worker());
    events.push_back("main goes on");
    CHECK_FALSE(task.done());
    co_await aio::sleep(0s);
    events.push_back("main after one trip round the loop");
    CHECK(task.done());
  };
  aio::run(main(), clock);
  CHECK(events == std::vector<std::string>{"main goes on", "worker starts", "main after one trip round the loop"});
}

AIO_TEST_CASE("tasks run concurrently: three one-second tasks take one second", "[ch04][task]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<int> {
    Task<int> a = aio::create_task(add_later(1, 2));
    Task<int> b = aio::create_task(add_later(3, 4));
    Task<int> c = aio::create_task(add_later(5, 6));
    co_return co_await a + co_await b + co_await c;
  };
  const aio::TimePoint start = clock.now();
  CHECK(aio::run(main(), clock) == 21);
  CHECK(clock.now() - start == 1s);
}

AIO_TEST_CASE("awaited in sequence, the same coroutines take one second each", "[ch04][task]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<int> { co_return co_await add_later(1, 2) + co_await add_later(3, 4); };
  const aio::TimePoint start = clock.now();
  CHECK(aio::run(main(), clock) == 10);
  CHECK(clock.now() - start == 2s);
}

AIO_TEST_CASE("done() is false while a task runs and true after, when result() gives its value", "[ch04][task]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    Task<int> task = aio::create_task(add_later(20, 22));
    CHECK_FALSE(task.done());
    CHECK_THROWS_AS(task.result(), aio::InvalidStateError);
    co_await task;
    CHECK(task.done());
    CHECK(task.result() == 42);
    CHECK(task.exception() == nullptr);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("an exception in a task reaches whoever awaits it", "[ch04][task]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    CHECK_THROWS_WITH(co_await fail_later("inline"), "inline");
    Task<int> task = aio::create_task(fail_later("as a task"));
    CHECK_THROWS_WITH(co_await task, "as a task");
    CHECK_THROWS_WITH(task.result(), "as a task");
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("two tasks may await the same task, and both get its value", "[ch04][task]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<int> {
    Task<int> shared = aio::create_task(add_later(1, 1));
    const auto reader = [&]() -> Task<int> { co_return co_await shared * 10; };
    Task<int> first = aio::create_task(reader());
    Task<int> second = aio::create_task(reader());
    co_return co_await first + co_await second;
  };
  CHECK(aio::run(main(), clock) == 40);
}

AIO_TEST_CASE("tasks are named Task-<n> in order of creation, unless given a name", "[ch04][task]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    Task<int> first = aio::create_task(immediately(1));
    Task<int> second = aio::create_task(immediately(2));
    Task<int> named = aio::create_task(immediately(3), "fetch-config");
    CHECK_THAT(first.name(), Matches("Task-[0-9]+"));
    CHECK(std::stoi(second.name().substr(5)) == std::stoi(first.name().substr(5)) + 1);
    CHECK(named.name() == "fetch-config");
    named.set_name("renamed");
    CHECK(named.name() == "renamed");
    CHECK(std::string(first.coroutine().name()) == "immediately");
    co_await first;
    co_await second;
    co_await named;
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("current_task() is the task whose step is running and outside a task there is none", "[ch04][task]") {
  VirtualClock clock;
  CHECK_FALSE(aio::current_task().has_value());
  const auto who_am_i = []() -> Task<std::string> {
    co_await aio::sleep(0s);
    co_return aio::current_task()->name();
  };
  const auto main = [&]() -> Task<> {
    CHECK(aio::current_task()->name() == "main-task");
    Task<std::string> task = aio::create_task(who_am_i(), "worker");
    const std::string worker = co_await task;
    CHECK(worker == "worker");
    const std::string inline_name = co_await who_am_i(); // awaited inline: it runs in main's task
    CHECK(inline_name == "main-task");
  };
  Task<> task = main();
  task.set_name("main-task");
  aio::run(std::move(task), clock);
  CHECK_FALSE(aio::current_task().has_value());
}

AIO_TEST_CASE("all_tasks() lists the running loop's unfinished tasks, oldest first", "[ch04][task]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    Task<int> a = aio::create_task(add_later(1, 1), "a");
    const auto later = []() -> Task<int> { co_return co_await add_later(1, 1) + co_await add_later(1, 1); };
    Task<int> b = aio::create_task(later(), "b");
    std::vector<std::string> names;
    for (const aio::TaskRef& task : aio::all_tasks()) names.push_back(task.name());
    CHECK(names == std::vector<std::string>{"main", "a", "b"});
    CHECK(aio::all_tasks().front() == *aio::current_task());
    co_await a;
    CHECK(aio::all_tasks().size() == 2); // main and b
    co_await b;
    CHECK(aio::all_tasks().size() == 1);
  };
  Task<> task = main();
  task.set_name("main");
  aio::run(std::move(task), clock);
  CHECK_THROWS_AS(aio::all_tasks(), std::logic_error); // no running loop
}

AIO_TEST_CASE("a task whose Task object is dropped still runs to the end", "[ch04][task]") {
  VirtualClock clock;
  bool finished = false;
  const auto worker = [&]() -> Task<> {
    co_await aio::sleep(1s);
    finished = true;
  };
  const auto main = [&]() -> Task<> {
    aio::create_task(worker()).detach();
    co_await aio::sleep(2s);
  };
  aio::run(main(), clock);
  CHECK(finished);
}

AIO_TEST_CASE("a task's done callbacks run on the loop once it has finished", "[ch04][task]") {
  VirtualClock clock;
  std::vector<int> seen;
  const auto main = [&]() -> Task<> {
    Task<int> task = aio::create_task(add_later(2, 3));
    task.add_done_callback([&](auto& done) { seen.push_back(done.value()); });
    co_await task;
    co_await aio::sleep(0s); // the callback was queued with main's wake-up, just after it
  };
  aio::run(main(), clock);
  CHECK(seen == std::vector<int>{5});
}

AIO_TEST_CASE("misuse is refused with a clear error", "[ch04][task]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    Task<int> empty;
    CHECK_THROWS_WITH(co_await empty, Catch::Matchers::Contains("empty"));
    Task<int> task = aio::create_task(immediately(1));
    CHECK_THROWS_WITH(aio::create_task(std::move(task)), Catch::Matchers::Contains("not started yet"));
    co_await aio::sleep(0s); // the task runs on, detached: let it finish
  };
  aio::run(main(), clock);
}

TEST_CASE("create_task outside a loop throws, and the coroutine it was given was never awaited",
          "[ch04][task][pitfall]") {
  aio::testing::RecordingSink sink; // as in Python, where the same mistake also warns
  aio::ScopedSink scope(sink);
  CHECK_THROWS_WITH(aio::create_task(immediately(1)), Catch::Matchers::Contains("no running event loop"));
  CHECK(sink.count(aio::Pitfall::never_run) == 1);
}

AIO_TEST_CASE("sleep(0) lets the other ready tasks run: two tasks interleave", "[ch04][task]") {
  VirtualClock clock;
  std::string trace;
  const auto ping = [&](char name) -> Task<> {
    for (int i = 0; i < 3; ++i) {
      trace += name;
      co_await aio::sleep(0s);
    }
  };
  const auto main = [&]() -> Task<> {
    Task<> a = aio::create_task(ping('a'));
    Task<> b = aio::create_task(ping('b'));
    co_await a;
    co_await b;
  };
  aio::run(main(), clock);
  CHECK(trace == "ababab");
}

namespace {
Task<long> chain(long depth) {
  if (depth == 0) co_return 0; // not `depth == 0 ? 0 : 1 + co_await ...`: GCC 12 runs that co_await even for 0
  co_return 1 + co_await chain(depth - 1);
}
} // namespace

AIO_TEST_CASE("a million nested co_awaits that finish at once do not grow the stack", "[ch04][task]") {
  // Each await starts the next coroutine by symmetric transfer, and each finishing one
  // transfers back: no call stack piles up (chapter 02 explains why). As nested calls, a million
  // resumes would need far more than the 8 MB stack; as transfers they need none.
  // One step of a second or so: not a blocked loop worth reporting here.
  aio::testing::ScopedDebugChecks unchecked(false);
  VirtualClock clock;
  CHECK(aio::run(chain(1'000'000), clock) == 1'000'000);
}

AIO_TEST_CASE("every frame is freed: finished, detached, and awaited inline", "[ch04][task]") {
  VirtualClock clock;
  const auto holds = [](aio::Duration delay) -> Task<> {
    const Alive alive;
    co_await aio::sleep(delay);
  };
  const auto main = [&]() -> Task<> {
    aio::create_task(holds(1s)).detach();
    Task<> kept = aio::create_task(holds(2s));
    co_await holds(500ms);
    CHECK(Alive::count == 2);
    co_await kept;
    CHECK(Alive::count == 0);
  };
  aio::run(main(), clock);
  CHECK(Alive::count == 0);
}
