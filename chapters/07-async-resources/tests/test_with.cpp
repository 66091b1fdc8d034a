// aio::with: the close runs on every way out of the body (value, exception, cancellation, a
// second cancellation during the close), and the errors that come out.
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/task_group.hpp"
#include "aio/timeout.hpp"
#include "aio/with.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using aio::Task;
using aio::VirtualClock;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

using Log = std::vector<std::string>;

// A resource whose open and close each take 100 ms, and log when they end.
struct Resource {
  Log* log;
  bool fail_close = false;
  Task<> close() {
    co_await aio::sleep(100ms);
    log->push_back("closed");
    if (fail_close) throw std::runtime_error("close failed");
  }
};

Task<Resource> open_resource(Log& log, bool fail_close = false, bool fail_open = false) {
  co_await aio::sleep(100ms);
  if (fail_open) throw std::runtime_error("open failed");
  log.push_back("opened");
  co_return Resource{&log, fail_close};
}

Task<int> use_for(Resource& r, aio::Duration d) {
  co_await aio::sleep(d);
  r.log->push_back("used");
  co_return 42;
}

Task<int> fail_after(Resource&, aio::Duration d) {
  co_await aio::sleep(d);
  throw std::runtime_error("body failed");
}

} // namespace

AIO_TEST_CASE("with: open, body, close in order, and the body's value comes out", "[ch07][with]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    const int value = co_await aio::with(open_resource(log), [](Resource& r) { return use_for(r, 200ms); });
    CHECK(value == 42);
    CHECK(log == Log{"opened", "used", "closed"});
    CHECK(clock.now().time_since_epoch() == 400ms);
    co_await aio::with(open_resource(log), [](Resource&) -> Task<> { co_return; }); // a void body
    CHECK(log.back() == "closed");
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("with: a failing body still closes, then its error comes out", "[ch07][with]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    CHECK_THROWS_WITH(co_await aio::with(open_resource(log), [](Resource& r) { return fail_after(r, 50ms); }),
                      "body failed");
    CHECK(log == Log{"opened", "closed"});
    CHECK(clock.now().time_since_epoch() == 250ms);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("with: a cancelled body still closes to the end before CancelledError comes out, even through "
              "a second cancel()",
              "[ch07][with][cancel]") {
  VirtualClock clock;
  Log log;
  const auto user = [&]() -> Task<int> {
    co_return co_await aio::with(open_resource(log), [](Resource& r) { return use_for(r, 10s); });
  };
  const auto main = [&]() -> Task<> {
    Task<int> task = aio::create_task(user());
    co_await aio::sleep(500ms);
    task.cancel(); // during the body
    co_await aio::sleep(50ms);
    task.cancel(); // during the close
    CHECK_THROWS_AS(co_await task, aio::CancelledError);
    CHECK(log == Log{"opened", "closed"});
    CHECK(clock.now().time_since_epoch() == 600ms); // the close took its full 100 ms
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("with: under wait_for, the timeout comes out after the close", "[ch07][with][cancel]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    CHECK_THROWS_AS(
        co_await aio::wait_for(aio::with(open_resource(log), [](Resource& r) { return use_for(r, 10s); }), 1s),
        aio::TimeoutError);
    CHECK(log == Log{"opened", "closed"});
    CHECK(clock.now().time_since_epoch() == 1100ms);
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("with: a failed open closes nothing, a failed close is thrown, and with a failed body both "
              "come out in an ExceptionGroup",
              "[ch07][with]") {
  VirtualClock clock;
  Log log;
  const auto main = [&]() -> Task<> {
    CHECK_THROWS_WITH(co_await aio::with(open_resource(log, false, true), [](Resource& r) { return use_for(r, 1s); }),
                      "open failed");
    CHECK(log.empty());
    CHECK_THROWS_WITH(co_await aio::with(open_resource(log, true), [](Resource& r) { return use_for(r, 1s); }),
                      "close failed");
    CHECK(log == Log{"opened", "used", "closed"});
    try {
      co_await aio::with(open_resource(log, true), [](Resource& r) { return fail_after(r, 1s); });
      FAIL("no exception");
    } catch (const aio::ExceptionGroup& group) {
      REQUIRE(group.exceptions().size() == 2);
      CHECK(aio::message_of(group.exceptions()[0]) == "body failed");
      CHECK(aio::message_of(group.exceptions()[1]) == "close failed");
    }
  };
  aio::run(main(), clock);
}
