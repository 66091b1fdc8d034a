// Chapter 08 exercises. Compiled twice: against your files in exercises/08-synchronization/
// (what ./course grade 08 runs) and against the reference answers in solutions/. Everything
// runs in aio::run on a VirtualClock, so every time below is exact; every test runs under the
// pitfall guard.
#include "token_bucket.hpp"
#include "worker_pool.hpp"

#include "aio/gather.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"
#include "aio/testing/tasks.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using aio::Task;
using aio::VirtualClock;
using aio::testing::ms_now;
using namespace std::chrono_literals;

namespace {

using Log = std::vector<std::string>;

Task<> call(TokenBucket& bucket, Log& log, std::string name) {
  try {
    co_await bucket.acquire();
    log.push_back(name + " at " + std::to_string(ms_now()));
  } catch (const aio::CancelledError&) {
    log.push_back(name + " cancelled");
    throw;
  }
}

} // namespace

AIO_TEST_CASE("8.1 TokenBucket: a burst of capacity at once, then one call per interval, in order", "[ex8.1]") {
  VirtualClock clock;
  TokenBucket bucket(3, 500ms);
  Log log;
  const auto main = [&]() -> Task<> {
    std::vector<Task<>> calls;
    for (const char* name : {"a", "b", "c", "d", "e", "f"}) calls.push_back(aio::create_task(call(bucket, log, name)));
    co_await aio::gather(std::move(calls));
    CHECK(log == Log{"a at 0", "b at 0", "c at 0", "d at 500", "e at 1000", "f at 1500"});
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("8.1 TokenBucket: tokens saved while idle, never more than the capacity", "[ex8.1]") {
  VirtualClock clock;
  TokenBucket bucket(2, 1s);
  Log log;
  const auto main = [&]() -> Task<> {
    co_await call(bucket, log, "a");
    co_await call(bucket, log, "b");
    co_await aio::sleep(10s); // idle: the bucket fills up to 2, not 10
    for (const char* name : {"c", "d", "e"}) co_await call(bucket, log, name);
    CHECK(log == Log{"a at 0", "b at 0", "c at 10000", "d at 10000", "e at 11000"});
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("8.1 TokenBucket: a caller cancelled while waiting takes no token and delays nobody", "[ex8.1]") {
  VirtualClock clock;
  TokenBucket bucket(1, 1s);
  Log log;
  const auto main = [&]() -> Task<> {
    co_await call(bucket, log, "first");
    Task<> a = aio::create_task(call(bucket, log, "a"));
    Task<> b = aio::create_task(call(bucket, log, "b"));
    Task<> c = aio::create_task(call(bucket, log, "c"));
    co_await aio::sleep(500ms);
    b.cancel();
    co_await a;
    CHECK_THROWS_AS(co_await b, aio::CancelledError);
    co_await c;
    CHECK(log == Log{"first at 0", "b cancelled", "a at 1000", "c at 2000"});
  };
  aio::run(main(), clock);
}

namespace {

struct Calls : aio::testing::InFlight {
  Log log;
};

// Takes `n` x 100 ms; fails for 13; logs its start and a cancellation.
Task<int> square(Calls& calls, int n) {
  calls.log.push_back("start " + std::to_string(n) + " at " + std::to_string(ms_now()));
  const auto slot = calls.enter();
  try {
    co_await aio::sleep(n * 100ms);
  } catch (const aio::CancelledError&) {
    calls.log.push_back("cancelled " + std::to_string(n));
    throw;
  }
  if (n == 13) throw std::runtime_error("13 is unlucky");
  co_return n* n;
}

} // namespace

AIO_TEST_CASE("8.2 map_with_workers: results in order, at most N at once, started in order", "[ex8.2]") {
  VirtualClock clock;
  Calls calls;
  const auto main = [&]() -> Task<> {
    std::vector<int> jobs{5, 1, 1, 2, 1}; // named: GCC 12 rejects a braced list in a co_await call
    const std::vector<int> squares =
        co_await map_with_workers(std::move(jobs), 2, [&](int& n) { return square(calls, n); });
    CHECK(squares == std::vector<int>{25, 1, 1, 4, 1});
    CHECK(calls.peak == 2);
    CHECK(calls.log == Log{"start 5 at 0", "start 1 at 0", "start 1 at 100", "start 2 at 200", "start 1 at 400"});
    CHECK(ms_now() == 500);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("8.2 map_with_workers: the first failure cancels the running calls, starts no more, and is thrown",
              "[ex8.2]") {
  VirtualClock clock;
  Calls calls;
  const auto main = [&]() -> Task<> {
    std::vector<int> jobs{30, 13, 1, 1};
    CHECK_THROWS_WITH(co_await map_with_workers(std::move(jobs), 2, [&](int& n) { return square(calls, n); }),
                      "13 is unlucky");
    CHECK(calls.log == Log{"start 30 at 0", "start 13 at 0", "cancelled 30"});
    CHECK(calls.running == 0); // every call has finished when the error comes out
    CHECK(ms_now() == 1300);
    std::vector<int> one{1};
    CHECK_THROWS_AS(co_await map_with_workers(std::move(one), 0, [&](int& n) { return square(calls, n); }),
                    std::invalid_argument);
  };
  aio::run(main(), clock);
}
