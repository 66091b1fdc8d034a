// wait_for, timeout / timeout_at (a deadline that moves), and shield, in virtual time.
#include "aio/run.hpp"
#include "aio/shield.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/timeout.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>

using aio::Task;
using aio::VirtualClock;
using namespace std::chrono_literals;

namespace {

Task<std::string> slow_operation(aio::Duration delay, bool& cleaned_up) {
  struct Cleanup {
    bool& done;
    ~Cleanup() { done = true; }
  } cleanup{cleaned_up};
  co_await aio::sleep(delay);
  co_return "done";
}

} // namespace

AIO_TEST_CASE("wait_for: a 5 s operation under a 2 s timeout throws TimeoutError at exactly 2 s after its cleanup",
              "[ch06][timeout]") {
  VirtualClock clock;
  bool cleaned_up = false;
  const auto main = [&]() -> Task<> {
    CHECK_THROWS_AS(co_await aio::wait_for(slow_operation(5s, cleaned_up), 2s), aio::TimeoutError);
    CHECK(cleaned_up); // cancelled and finished before the error came out
    CHECK(clock.now().time_since_epoch() == 2s);
    CHECK(aio::current_task()->cancelling() == 0); // the timeout took its cancellation back
    co_await aio::sleep(1s);                       // and no stray CancelledError comes later
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("wait_for: on time it gives the value and a running task works too", "[ch06][timeout]") {
  VirtualClock clock;
  bool cleaned_up = false;
  const auto main = [&]() -> Task<> {
    const std::string value = co_await aio::wait_for(slow_operation(1s, cleaned_up), 2s);
    CHECK(value == "done");
    bool cleaned_too = false;
    Task<std::string> task = aio::create_task(slow_operation(5s, cleaned_too));
    CHECK_THROWS_AS(co_await aio::wait_for(std::move(task), 1s), aio::TimeoutError);
    CHECK(cleaned_too); // the task was cancelled and awaited
    CHECK(clock.now().time_since_epoch() == 2s);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("timeout: one deadline over several awaits and one that moves", "[ch06][timeout]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    int steps = 0;
    CHECK_THROWS_AS(co_await aio::timeout(2500ms,
                                          [&](aio::Timeout&) -> Task<> {
                                            for (;;) {
                                              co_await aio::sleep(1s);
                                              ++steps;
                                            }
                                          }),
                    aio::TimeoutError);
    CHECK(steps == 2);
    CHECK(clock.now().time_since_epoch() == 2500ms);

    const int value = co_await aio::timeout(1s, [&](aio::Timeout& deadline) -> Task<int> {
      deadline.reschedule(*deadline.when() + 2s); // now 3 s from the start
      co_await aio::sleep(2500ms);
      co_return 5;
    });
    CHECK(value == 5);
    CHECK(clock.now().time_since_epoch() == 5s);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("timeout_at with no deadline waits as long as it takes and expired() says what happened",
              "[ch06][timeout]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    bool expired = true;
    co_await aio::timeout_at(std::nullopt, [&](aio::Timeout& deadline) -> Task<> {
      co_await aio::sleep(1h);
      expired = deadline.expired();
    });
    CHECK_FALSE(expired);
    CHECK(clock.now().time_since_epoch() == 1h);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("a cancellation from outside goes through a timeout unchanged", "[ch06][timeout]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    bool cleaned_up = false;
    Task<std::string> task = aio::create_task(aio::wait_for(slow_operation(10s, cleaned_up), 5s));
    co_await aio::sleep(1s);
    task.cancel();
    CHECK_THROWS_AS(co_await task, aio::CancelledError); // not TimeoutError: it was not the deadline
    CHECK(cleaned_up);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("a deadline inside another: the inner one fires first and the outer one is still counted",
              "[ch06][timeout]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    bool cleaned_up = false;
    CHECK_THROWS_AS(co_await aio::timeout(3s,
                                          [&](aio::Timeout&) -> Task<> {
                                            try {
                                              co_await aio::wait_for(slow_operation(10s, cleaned_up), 1s);
                                            } catch (const aio::TimeoutError&) {}
                                            co_await aio::sleep(10s); // the outer deadline stops this
                                          }),
                    aio::TimeoutError);
    CHECK(clock.now().time_since_epoch() == 3s);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("shield: the caller's timeout does not reach the shielded task which finishes", "[ch06][shield]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    bool cleaned_up = false;
    Task<std::string> save = aio::create_task(slow_operation(3s, cleaned_up));
    const aio::TaskRef ref = save.ref();
    CHECK_THROWS_AS(co_await aio::wait_for(aio::shield(std::move(save)), 1s), aio::TimeoutError);
    CHECK(clock.now().time_since_epoch() == 1s);
    CHECK_FALSE(ref.done()); // still running
    co_await aio::sleep(3s);
    CHECK(cleaned_up);
    const std::string value = co_await aio::shield(slow_operation(1s, cleaned_up)); // and on time, the value
    CHECK(value == "done");
  };
  aio::run(main(), clock);
}
