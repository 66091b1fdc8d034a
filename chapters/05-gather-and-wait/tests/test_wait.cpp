// wait (ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION) and as_completed.
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/wait.hpp"

#include "aio/testing/guard.hpp"
#include "aio/testing/tasks.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using aio::Task;
using aio::VirtualClock;
using aio::testing::fail_after;
using aio::testing::RecordingSink;
using aio::testing::value_after;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

// Three tasks: 3 s -> 1, 1 s -> 2, 2 s -> fails (or gives 3).
std::vector<Task<int>> three(bool with_failure) {
  std::vector<Task<int>> tasks;
  tasks.push_back(value_after(3s, 1));
  tasks.push_back(value_after(1s, 2));
  tasks.push_back(with_failure ? fail_after(2s, "third") : value_after(2s, 3));
  return tasks;
}

} // namespace

AIO_TEST_CASE("wait(ALL_COMPLETED) returns once all are done, in the order given, exceptions unread", "[ch05][wait]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    aio::Waited<int> result = co_await aio::wait(three(true));
    CHECK(clock.now().time_since_epoch() == 3s);
    CHECK(result.pending.empty());
    REQUIRE(result.done.size() == 3);
    CHECK(result.done[0].result() == 1);
    CHECK(result.done[1].result() == 2);
    CHECK_THROWS_WITH(result.done[2].result(), "third"); // yours to read
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("wait(FIRST_COMPLETED) returns at the first one done and wait again on the rest", "[ch05][wait]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    std::vector<Task<int>> pending = three(false);
    std::vector<int> order;
    std::vector<long long> when;
    while (!pending.empty()) {
      auto [done, rest] = co_await aio::wait(std::move(pending), aio::FIRST_COMPLETED);
      for (Task<int>& task : done) {
        order.push_back(task.result());
        when.push_back(std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count());
      }
      pending = std::move(rest);
    }
    CHECK(order == std::vector<int>{2, 3, 1});
    CHECK(when == std::vector<long long>{1, 2, 3});
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("wait(FIRST_EXCEPTION) returns at the first failure, or when all are done", "[ch05][wait]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    auto [done, pending] = co_await aio::wait(three(true), aio::FIRST_EXCEPTION);
    CHECK(clock.now().time_since_epoch() == 2s);
    REQUIRE(done.size() == 2); // the one done at 1 s, and the failure
    CHECK(done[0].result() == 2);
    CHECK(done[1].exception() != nullptr);
    REQUIRE(pending.size() == 1);
    const int last = co_await pending[0];
    CHECK(last == 1);

    auto [all, none] = co_await aio::wait(three(false), aio::FIRST_EXCEPTION);
    CHECK(all.size() == 3);
    CHECK(none.empty());
    CHECK(clock.now().time_since_epoch() == 6s);
  };
  aio::run(main(), clock);
}

TEST_CASE("wait does not read the failures it hands back: one left unread is reported", "[ch05][wait][pitfall]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    auto result = co_await aio::wait(three(true));
    CHECK(result.done.size() == 3); // and nobody looks at done[2]
  };
  aio::run(main(), clock);
  REQUIRE(sink.count(aio::Pitfall::exception_never_retrieved) == 1);
  CHECK_THAT(sink.reports().front().summary, Contains("third"));
}

AIO_TEST_CASE("as_completed gives the results in the order they finish, as they finish", "[ch05][as_completed]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    aio::AsCompleted<int> arriving(three(false));
    CHECK(arriving.size() == 3);
    std::vector<int> values;
    while (!arriving.empty()) {
      values.push_back(co_await arriving.next());
      CHECK(clock.now().time_since_epoch() == std::chrono::seconds(values.size()));
    }
    CHECK(values == std::vector<int>{2, 3, 1});
    CHECK_THROWS_AS(arriving.next(), std::out_of_range);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("as_completed: next() throws the exception of the task that failed, and goes on after",
              "[ch05][as_completed]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    aio::AsCompleted<int> arriving(three(true));
    const int first = co_await arriving.next();
    CHECK(first == 2);
    std::string error;
    try {
      co_await arriving.next();
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
    CHECK(error == "third");
    const int last = co_await arriving.next();
    CHECK(last == 1);
    CHECK(arriving.empty());
  };
  aio::run(main(), clock);
}
