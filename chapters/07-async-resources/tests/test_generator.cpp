// AsyncGenerator: values in order with awaits between them, laziness, the end, errors, early
// exit (the generator's cleanup runs at once), cancellation while it awaits, misuse.
#include "aio/async_generator.hpp"
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

using aio::AsyncGenerator;
using aio::Task;
using aio::VirtualClock;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

using Log = std::vector<std::string>;

// Yields start..end-1, one every `delay`; logs its steps and its cleanup.
AsyncGenerator<int> counted(int start, int end, aio::Duration delay, Log& log) {
  struct Cleanup {
    Log& log;
    ~Cleanup() { log.push_back("cleanup"); }
  } cleanup{log};
  for (int i = start; i < end; ++i) {
    co_await aio::sleep(delay);
    log.push_back("yield " + std::to_string(i));
    co_yield i;
  }
}

AsyncGenerator<std::string> two_then_fail() {
  co_yield "one";
  co_yield "two";
  throw std::runtime_error("the third page is broken");
}

} // namespace

AIO_TEST_CASE("AsyncGenerator: values come one per next(), with the awaits between, then std::nullopt",
              "[ch07][generator]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    AsyncGenerator<int> numbers = counted(1, 4, 100ms, log);
    CHECK(log.empty()); // lazy: nothing ran yet
    std::vector<int> got;
    while (auto number = co_await numbers.next()) got.push_back(*number);
    CHECK(got == std::vector<int>{1, 2, 3});
    CHECK(clock.now().time_since_epoch() == 300ms);
    CHECK(log == Log{"yield 1", "yield 2", "yield 3", "cleanup"});
    const std::optional<int> after_end = co_await numbers.next();
    CHECK_FALSE(after_end.has_value());
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("AsyncGenerator: it runs only when asked, and dropped early, its cleanup runs at once",
              "[ch07][generator]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    {
      AsyncGenerator<int> numbers = counted(1, 100, 100ms, log);
      const std::optional<int> first = co_await numbers.next();
      CHECK(first == 1);
      co_await aio::sleep(1s); // nothing is produced while nobody asks
      CHECK(log == Log{"yield 1"});
    } // dropped here, suspended at its co_yield
    CHECK(log == Log{"yield 1", "cleanup"});
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("AsyncGenerator: an exception it throws comes out of next() once, after the values before it",
              "[ch07][generator]") {
  VirtualClock clock;
  const auto consume = [&]() -> Task<> {
    AsyncGenerator<std::string> pages = two_then_fail();
    std::vector<std::string> got;
    try {
      while (auto page = co_await pages.next()) got.push_back(*page);
      FAIL("no exception");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()) == "the third page is broken");
    }
    CHECK(got == std::vector<std::string>{"one", "two"});
    const std::optional<std::string> after = co_await pages.next(); // the error once, then the end
    CHECK_FALSE(after.has_value());
  };
  aio::run(consume(), clock);
}

AIO_TEST_CASE("AsyncGenerator: cancelling the consuming task while the generator awaits stops both, cleanup run",
              "[ch07][generator][cancel]") {
  VirtualClock clock;
  Log log;
  const auto consume = [&]() -> Task<int> {
    AsyncGenerator<int> numbers = counted(1, 100, 1s, log);
    int sum = 0;
    while (auto number = co_await numbers.next()) sum += *number;
    co_return sum;
  };
  const auto main = [&]() -> Task<> {
    Task<int> task = aio::create_task(consume());
    co_await aio::sleep(2500ms); // two values, then asleep inside the generator
    task.cancel();
    CHECK_THROWS_AS(co_await task, aio::CancelledError);
    CHECK(log == Log{"yield 1", "yield 2", "cleanup"});
    CHECK(clock.now().time_since_epoch() == 2500ms); // at once, not at the next value
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("AsyncGenerator: a cancellation pending before next() comes out without running the generator",
              "[ch07][generator][cancel]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    AsyncGenerator<int> numbers = counted(1, 10, 0s, log);
    aio::current_task()->cancel(); // from itself: delivered at the next co_await
    CHECK_THROWS_AS(co_await numbers.next(), aio::CancelledError);
    CHECK(log.empty()); // no value was produced and lost
    aio::current_task()->uncancel();
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("AsyncGenerator: next() on a moved-from generator is a clear error", "[ch07][generator][misuse]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    AsyncGenerator<int> numbers = counted(1, 3, 0s, log);
    AsyncGenerator<int> taken = std::move(numbers);
    CHECK_THROWS_WITH(numbers.next(), Contains("empty"));
    const std::optional<int> first = co_await taken.next();
    CHECK(first == 1);
  };
  aio::run(main(), clock);
}
