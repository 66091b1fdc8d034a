// gather and gather_settled: results in argument order, concurrency, asyncio's failure
// semantics (the first failure is thrown at once, the others run on), cancellation.
#include "aio/gather.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"
#include "aio/testing/tasks.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

using aio::Outcome;
using aio::Task;
using aio::VirtualClock;
using aio::testing::fail_after;
using aio::testing::RecordingSink;
using aio::testing::value_after;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

Task<> count_after(aio::Duration delay, int& counter) {
  co_await aio::sleep(delay);
  ++counter;
}

// Sleeps `delay`, and records whether its cleanup ran when it was cancelled.
Task<int> sleeper(aio::Duration delay, bool& cleaned_up) {
  struct Cleanup {
    bool& done;
    ~Cleanup() { done = true; }
  } cleanup{cleaned_up};
  co_await aio::sleep(delay);
  co_return 1;
}

} // namespace

AIO_TEST_CASE("gather gives the values in argument order, not finishing order, after the longest", "[ch05][gather]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    auto [a, b, c] = co_await aio::gather(value_after(3s, 1), value_after<std::string>(1s, "two"), value_after(2s, 3));
    CHECK(a == 1);
    CHECK(b == "two");
    CHECK(c == 3);
    CHECK(clock.now().time_since_epoch() == 3s); // together, not 6 s one after another
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("gather of a vector gives a vector in order, and takes running tasks too", "[ch05][gather]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    std::vector<Task<int>> tasks;
    tasks.push_back(aio::create_task(value_after(2s, 10)));
    for (int i = 1; i <= 4; ++i) tasks.push_back(value_after(std::chrono::seconds(5 - i), i));
    const std::vector<int> values = co_await aio::gather(std::move(tasks));
    CHECK(values == std::vector<int>{10, 1, 2, 3, 4});
    CHECK(clock.now().time_since_epoch() == 4s);
    const std::vector<int> none = co_await aio::gather(std::vector<Task<int>>{}); // nothing to wait for
    CHECK(none.empty());
    CHECK(clock.now().time_since_epoch() == 4s);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("gather of void tasks gives std::monostate in their place", "[ch05][gather]") {
  VirtualClock clock;
  int counter = 0;
  const auto main = [&]() -> Task<> {
    auto [none, value] = co_await aio::gather(count_after(1s, counter), value_after(1s, 7));
    CHECK(std::is_same_v<decltype(none), std::monostate>);
    CHECK(value == 7);
    CHECK(counter == 1);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("gather throws the first failure as soon as it happens, and the other tasks run on", "[ch05][gather]") {
  VirtualClock clock;
  int finished_later = 0;
  const auto main = [&]() -> Task<> {
    try {
      co_await aio::gather(count_after(2s, finished_later), fail_after(1s, "first"), fail_after(1500ms, "second"),
                           value_after(3s, 4));
      FAIL("gather should have thrown");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()) == "first");
      CHECK(clock.now().time_since_epoch() == 1s); // not after the others
    }
    CHECK(finished_later == 0);
    co_await aio::sleep(5s);
    CHECK(finished_later == 1); // it was never stopped: asyncio's gather leaves it running
  };
  aio::run(main(), clock); // and "second", failing unwatched, is not reported: gather read it
}

AIO_TEST_CASE("a child that is cancelled makes gather throw CancelledError", "[ch05][gather]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    Task<int> child = aio::create_task(value_after(1s, 1));
    const aio::TaskRef ref = child.ref(); // to reach it once gather has it
    Task<std::tuple<int, int>> both = aio::create_task(aio::gather(std::move(child), value_after(2s, 2)));
    co_await aio::sleep(500ms);
    CHECK(ref.cancel());
    CHECK_THROWS_AS(co_await both, aio::CancelledError);
    CHECK(clock.now().time_since_epoch() == 500ms);
    co_await aio::sleep(2s); // the sibling runs on, as after any failure
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("cancelling the task that awaits gather cancels every child, and their cleanup runs", "[ch05][gather]") {
  VirtualClock clock;
  bool cleaned[3] = {false, false, false};
  const auto main = [&]() -> Task<> {
    Task<std::tuple<int, int, int>> all =
        aio::create_task(aio::gather(sleeper(5s, cleaned[0]), sleeper(6s, cleaned[1]), sleeper(7s, cleaned[2])));
    co_await aio::sleep(1s);
    CHECK(all.cancel());
    CHECK_THROWS_AS(co_await all, aio::CancelledError);
    CHECK(all.cancelled());
    co_await aio::sleep(0s); // the children's cancellations are delivered on the next pass
    CHECK(cleaned[0]);
    CHECK(cleaned[1]);
    CHECK(cleaned[2]);
    CHECK(clock.now().time_since_epoch() == 1s);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("gather_settled waits for every task and gives each outcome in order", "[ch05][gather]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    auto [a, b, c] =
        co_await aio::gather_settled(value_after(1s, 1), fail_after(2s, "broken"), value_after<std::string>(3s, "c"));
    CHECK(clock.now().time_since_epoch() == 3s); // the failure at 2 s did not cut it short
    REQUIRE(a.ok());
    CHECK(a.value() == 1);
    CHECK_FALSE(b.ok());
    CHECK_THROWS_WITH(b.value(), "broken");
    CHECK(b.error() != nullptr);
    CHECK(c.value() == "c");
    CHECK(c.error() == nullptr);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("gather_settled of a vector, with a cancelled child among them", "[ch05][gather]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    std::vector<Task<int>> tasks;
    tasks.push_back(value_after(1s, 1));
    tasks.push_back(aio::create_task(value_after(2s, 2)));
    tasks.push_back(fail_after(1s, "three"));
    tasks[1].cancel();
    std::vector<Outcome<int>> outcomes = co_await aio::gather_settled(std::move(tasks));
    REQUIRE(outcomes.size() == 3);
    CHECK(outcomes[0].value() == 1);
    CHECK_THROWS_AS(outcomes[1].value(), aio::CancelledError);
    CHECK_THROWS_WITH(outcomes[2].value(), "three");
  };
  aio::run(main(), clock);
}

TEST_CASE("a failure gather_settled hands back is read: no exception-never-retrieved report",
          "[ch05][gather][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    auto outcomes = co_await aio::gather_settled(fail_after(1s, "one"), fail_after(1s, "two"));
    CHECK_FALSE(std::get<0>(outcomes).ok());
  };
  aio::run(main(), clock);
  CHECK(sink.reports().empty());
}

AIO_TEST_CASE("gather runs ten thousand tasks at once and frees them all", "[ch05][gather]") {
  // Starting ten thousand tasks is one long step by design (56 ms under ASan): not what this
  // test is about, so the step timing is off.
  aio::testing::ScopedDebugChecks checks(false);
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    std::vector<Task<int>> tasks;
    for (int i = 0; i < 10000; ++i) tasks.push_back(value_after(1s, i));
    const std::vector<int> values = co_await aio::gather(std::move(tasks));
    long long sum = 0;
    for (int v : values) sum += v;
    CHECK(sum == 10000LL * 9999 / 2);
    CHECK(aio::all_tasks().size() == 1); // only main is left
  };
  aio::run(main(), clock);
  CHECK(clock.now().time_since_epoch() == 1s);
}

TEST_CASE("Outcome refuses a null exception", "[ch05][gather]") {
  CHECK_THROWS_AS(Outcome<int>(std::exception_ptr()), std::invalid_argument);
}
