// Chapter 07 exercises. Compiled twice: against your files in exercises/07-async-resources/
// (what ./course grade 07 runs) and against the reference answers in solutions/. Everything
// runs in aio::run on a VirtualClock, so every time below is exact; every test runs under the
// pitfall guard.
#include "take.hpp"
#include "transform.hpp"

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
using namespace std::chrono_literals;

namespace {

using Log = std::vector<std::string>;

// Yields 1, 2, ... up to `last`, one every 100 ms; logs each value it produces, and its cleanup.
AsyncGenerator<int> numbers(int last, Log& log) {
  struct Cleanup {
    Log& log;
    ~Cleanup() { log.push_back("source cleaned up"); }
  } cleanup{log};
  for (int i = 1; i <= last; ++i) {
    co_await aio::sleep(100ms);
    log.push_back("produced " + std::to_string(i));
    co_yield i;
  }
}

template <class T>
Task<std::vector<T>> collect(AsyncGenerator<T>& gen) {
  std::vector<T> all;
  while (auto item = co_await gen.next()) all.push_back(std::move(*item));
  co_return all;
}

Task<std::string> describe(int n) {
  co_await aio::sleep(50ms);
  if (n == 3) throw std::runtime_error("cannot describe 3");
  co_return std::to_string(n).insert(0, 1, '#'); // not "#" + ...: GCC 12 -O3 warns (-Wrestrict), wrongly
}

} // namespace

AIO_TEST_CASE("7.1 take: the first n values, and the source never asked for one more", "[ex7.1]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    AsyncGenerator<int> first = take(numbers(100, log), 3);
    const std::vector<int> got = co_await collect(first);
    CHECK(got == std::vector<int>{1, 2, 3});
    CHECK(log == Log{"produced 1", "produced 2", "produced 3", "source cleaned up"});
    CHECK(clock.now().time_since_epoch() == 300ms);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("7.1 take: the source is cleaned up as soon as take ends, while take is still kept", "[ex7.1]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    AsyncGenerator<int> two = take(numbers(100, log), 2);
    const std::optional<int> a = co_await two.next();
    const std::optional<int> b = co_await two.next();
    CHECK((a == 1 && b == 2));
    CHECK(log.back() == "produced 2"); // still open: take has not ended yet
    const std::optional<int> end = co_await two.next();
    CHECK_FALSE(end.has_value());
    CHECK(log.back() == "source cleaned up"); // `two` still exists, the source is gone
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("7.1 take: a source shorter than n, and n = 0, which never runs the source", "[ex7.1]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    AsyncGenerator<int> short_one = take(numbers(2, log), 5);
    const std::vector<int> got = co_await collect(short_one);
    CHECK(got == std::vector<int>{1, 2});
    log.clear();
    AsyncGenerator<int> none = take(numbers(2, log), 0);
    const std::vector<int> nothing = co_await collect(none);
    CHECK(nothing.empty());
    CHECK(log.empty()); // the source never started: not a value produced, nothing to clean up
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("7.2 transform: an async function over each value, in order, one at a time", "[ex7.2]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    AsyncGenerator<std::string> described = transform(numbers(2, log), describe);
    const std::vector<std::string> got = co_await collect(described);
    CHECK(got == std::vector<std::string>{"#1", "#2"});
    CHECK(clock.now().time_since_epoch() == 300ms); // 2 x (100 ms to produce + 50 ms to describe)
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("7.2 transform: the function's exception comes out of next() after the values before it", "[ex7.2]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    std::vector<std::string> got;
    {
      AsyncGenerator<std::string> described = transform(numbers(10, log), describe);
      try {
        while (auto item = co_await described.next()) got.push_back(*item);
        FAIL("no exception");
      } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()) == "cannot describe 3");
      }
      const std::optional<std::string> after = co_await described.next(); // ended: the error once, then the end
      CHECK_FALSE(after.has_value());
    }
    CHECK(got == std::vector<std::string>{"#1", "#2"});
    CHECK(log.back() == "source cleaned up"); // dropped with the transform
  };
  aio::run(main(), clock);
}
