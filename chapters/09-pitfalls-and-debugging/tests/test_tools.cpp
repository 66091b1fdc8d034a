// The debugging tools: task snapshots (what each task does, its async stack with the line each
// coroutine waits at), the deadlock report built on them, and LoopStats.
#include "aio/debug.hpp"
#include "aio/event.hpp"
#include "aio/gather.hpp"
#include "aio/lock.hpp"
#include "aio/loop_stats.hpp"
#include "aio/queue.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/clock.hpp"
#include "aio/diagnostics.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using aio::Pitfall;
using aio::Task;
using aio::TaskSnapshot;
using aio::VirtualClock;
using aio::testing::RecordingSink;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

unsigned inner_line = 0; // the line of the co_await each coroutine below waits at
unsigned middle_line = 0;

Task<int> inner() {
  inner_line = __LINE__ + 1;
  co_await aio::sleep(1s);
  co_return 1;
}

Task<int> middle() {
  middle_line = __LINE__ + 1;
  const int value = co_await inner();
  co_return value + 1;
}

const TaskSnapshot* find(const std::vector<TaskSnapshot>& tasks, const std::string& name) {
  for (const TaskSnapshot& task : tasks)
    if (task.name == name) return &task;
  return nullptr;
}

} // namespace

AIO_TEST_CASE("snapshot_tasks: each task's state, its stack innermost first with the lines it waits at, and "
              "the task it awaits",
              "[ch09][tool]") {
  VirtualClock clock;
  std::vector<TaskSnapshot> seen;
  auto main_task = [&]() -> Task<> {
    aio::Event never;
    Task<int> sleeper = aio::create_task(middle(), "sleeper");
    auto wait_for_event = [&]() -> Task<> { co_await never.wait(); };
    Task<> waiter = aio::create_task(wait_for_event(), "waiter");
    auto await_sleeper = [&]() -> Task<> { co_await sleeper; };
    Task<> follower = aio::create_task(await_sleeper(), "follower");
    co_await aio::sleep(10ms); // all three have run their first step
    Task<int> fresh = aio::create_task(inner(), "fresh");
    seen = aio::snapshot_tasks();
    never.set();
    co_await sleeper;
    co_await waiter;
    co_await follower;
    co_await fresh;
  };
  aio::run(main_task(), clock);

  REQUIRE(seen.size() == 5);
  CHECK(seen[1].name == "sleeper"); // oldest first
  CHECK(seen[4].name == "fresh");
  CHECK(seen[0].state == TaskSnapshot::State::running); // main took the snapshot
  CHECK(seen[0].stack.size() == 1);

  const TaskSnapshot* sleeper = find(seen, "sleeper");
  REQUIRE(sleeper != nullptr);
  CHECK(sleeper->state == TaskSnapshot::State::sleeping);
  REQUIRE(sleeper->stack.size() == 2);
  CHECK(sleeper->stack[0].coroutine.name() == "inner");
  CHECK(sleeper->stack[0].line == inner_line);
  CHECK(sleeper->stack[1].coroutine.name() == "middle");
  CHECK(sleeper->stack[1].line == middle_line);
  CHECK_FALSE(sleeper->awaited_task);

  const TaskSnapshot* waiter = find(seen, "waiter");
  REQUIRE(waiter != nullptr);
  CHECK(waiter->state == TaskSnapshot::State::awaiting);
  CHECK_FALSE(waiter->awaited_task);

  const TaskSnapshot* follower = find(seen, "follower");
  REQUIRE(follower != nullptr);
  CHECK(follower->state == TaskSnapshot::State::awaiting);
  REQUIRE(follower->awaited_task);
  CHECK(*follower->awaited_task == seen[1].task);
  CHECK(follower->awaited_name == "sleeper");

  const TaskSnapshot* fresh = find(seen, "fresh");
  REQUIRE(fresh != nullptr);
  CHECK(fresh->state == TaskSnapshot::State::ready); // created, its first step not run yet
  REQUIRE(fresh->stack.size() == 1);
  CHECK(fresh->stack[0].line == 0);
}

AIO_TEST_CASE("format_tasks quotes the source line each coroutine waits at, and says which are being "
              "cancelled",
              "[ch09][tool]") {
  VirtualClock clock;
  std::string text;
  auto main_task = [&]() -> Task<> {
    Task<int> sleeper = aio::create_task(middle(), "sleeper");
    co_await aio::sleep(10ms);
    sleeper.cancel();
    text = aio::format_tasks(aio::snapshot_tasks());
    auto settled = co_await aio::gather_settled(std::move(sleeper));
    CHECK(std::get<0>(settled).error() != nullptr);
  };
  aio::run(main_task(), clock);
  CHECK_THAT(text, Contains("2 tasks are pending:\n"));
  CHECK_THAT(text, Contains("task 'sleeper' is ready to run, being cancelled\n"
                            "    at inner, chapters/09-pitfalls-and-debugging/tests/test_tools.cpp:" +
                            std::to_string(inner_line) +
                            ": co_await aio::sleep(1s);\n"
                            "    at middle, chapters/09-pitfalls-and-debugging/tests/test_tools.cpp:" +
                            std::to_string(middle_line) + ": const int value = co_await inner();"));
}

namespace {

Task<> await_other(std::optional<Task<>>& other) {
  co_await aio::sleep(1ms); // both tasks exist before either awaits the other
  co_await *other;
}

} // namespace

TEST_CASE("a deadlock report names tasks that await each other in a ring", "[ch09][tool]") {
  RecordingSink sink;
  aio::ScopedSink scoped(sink);
  VirtualClock clock;
  std::optional<Task<>> a, b;
  auto main_task = [&]() -> Task<> {
    a.emplace(aio::create_task(await_other(b), "a"));
    b.emplace(aio::create_task(await_other(a), "b"));
    co_await *a;
  };
  CHECK_THROWS_WITH(aio::run(main_task(), clock), Contains("deadlock"));
  REQUIRE(sink.count(Pitfall::deadlock) == 1);
  const std::string details = sink.reports().front().details;
  CHECK_THAT(details, Contains("task 'a' awaits task 'b'\n"));
  CHECK_THAT(details, Contains("task 'b' awaits task 'a'\n"));
  CHECK_THAT(details, Contains("these tasks wait for each other in a ring, so none can finish: 'a' -> 'b' -> 'a'"));
  CHECK_THAT(details, Contains("' awaits task 'a'\n    at operator(), ")); // main, in its lambda
}

TEST_CASE("a deadlock on an Event nobody sets: the report quotes the line that waits", "[ch09][tool]") {
  RecordingSink sink;
  aio::ScopedSink scoped(sink);
  VirtualClock clock;
  auto main_task = []() -> Task<> {
    aio::Event never;
    co_await never.wait(); // nobody will set it
  };
  CHECK_THROWS(aio::run(main_task(), clock));
  REQUIRE(sink.reports().size() == 1);
  CHECK_THAT(sink.reports().front().details, Contains("1 task is pending:\n"));
  CHECK_THAT(sink.reports().front().details, Contains(": co_await never.wait(); // nobody will set it"));
}

namespace {

void spin(std::chrono::milliseconds span) {
  const auto end = std::chrono::steady_clock::now() + span;
  while (std::chrono::steady_clock::now() < end) {}
}

Task<> quick(int n) {
  for (int i = 0; i < 3; ++i) co_await aio::sleep(10ms * (n + 1));
}

Task<> slow_step() {
  spin(20ms); // far longer than any other step here, under the blocked-loop threshold
  co_return;
}

Task<> stats_main() {
  std::vector<Task<>> tasks;
  for (int n = 0; n < 4; ++n) tasks.push_back(aio::create_task(quick(n)));
  co_await aio::sleep(5ms);
  co_await aio::create_task(slow_step());
  for (Task<>& task : tasks) co_await task;
}

} // namespace

AIO_TEST_CASE("LoopStats counts every step and the timers set at once, and finds the slowest coroutine",
              "[ch09][tool]") {
  aio::testing::ScopedDebugChecks off(false); // LoopStats switches them on for its lifetime
  VirtualClock clock;
  aio::LoopStats stats;
  aio::run(stats_main(), clock);
  // main: its start, the end of its sleep, the end of slow_step, the end of each quick task (4);
  // quick: 4 x (start + 3 wakes); slow_step: 1.
  CHECK(stats.steps() == 7 + 16 + 1);
  CHECK(stats.peak_timers() == 5); // four quick tasks and main asleep at once
  const std::vector<aio::LoopStats::Entry> slowest = stats.slowest(2);
  REQUIRE(slowest.size() == 2);
  CHECK(slowest[0].who.name() == "slow_step");
  CHECK(slowest[0].steps == 1);
  CHECK(slowest[0].longest >= 20ms);
  CHECK(stats.busy() >= 20ms);
  CHECK_THAT(stats.text(1), Contains("24 steps in ") && Contains("at most 5 timers set at once\nslowest steps:\n") &&
                                Contains("  slow_step (chapters/09-pitfalls-and-debugging/tests/test_tools.cpp:"));
}

namespace {
Task<> take_lock(aio::Lock& lock) { auto guard = co_await lock.scoped(); }
Task<> take_item(aio::Queue<int>& queue) { co_await queue.get(); }
Task<> wait_event(aio::Event& event) { co_await event.wait(); }
} // namespace

AIO_TEST_CASE("a snapshot says what each task is parked on: a Lock, a Queue's get, an Event, a future, a timer",
              "[ch09][tool]") {
  VirtualClock clock;
  std::vector<std::string> seen;
  auto main_task = [&seen]() -> Task<> {
    aio::Lock lock;
    aio::Queue<int> queue;
    aio::Event event;
    aio::Future<int> future;
    auto held = co_await lock.scoped();
    Task<> a = aio::create_task(take_lock(lock), "lock");
    Task<> b = aio::create_task(take_item(queue), "queue");
    Task<> c = aio::create_task(wait_event(event), "event");
    Task<> d = aio::create_task([](aio::Future<int> f) -> Task<> { co_await f; }(future), "future");
    Task<> e = aio::create_task([]() -> Task<> { co_await aio::sleep(1s); }(), "timer");
    co_await aio::sleep(0s); // each has run to its wait
    for (const TaskSnapshot& task : aio::snapshot_tasks())
      if (task.name != "Task-1") seen.push_back(task.name + ": " + task.waits_on);
    held.release();
    queue.put_nowait(1);
    event.set();
    future.set_result(1);
    co_await aio::gather(std::move(a), std::move(b), std::move(c), std::move(d), std::move(e));
  };
  aio::run(main_task(), clock);
  CHECK(seen == std::vector<std::string>{"lock: waits on a Lock", "queue: waits on a Queue (get)",
                                         "event: waits on an Event", "future: waits on a future",
                                         "timer: is asleep: a timer will wake it"});
}
