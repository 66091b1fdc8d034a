// The loop: virtual time makes the seeds' timings exact; timers, spawn, run, deadlock, nesting.
#include "demos.hpp"

#include "coro/event_loop.hpp"
#include "coro/sleep.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using aio::testing::CaptureStdout;
using coro::Task;
using coro::VirtualClock;
using namespace std::chrono_literals;

namespace {
Task<> note_after(coro::Duration delay, std::string what, std::vector<std::string>& log) {
  co_await coro::sleep(delay);
  log.push_back(std::move(what));
}

struct Never { // an awaiter nobody ever completes
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
};
Task<> waits_forever() { co_await Never{}; }
} // namespace

AIO_TEST_CASE("one after another takes 3.00 s, all at once 1.00 s, exactly, in virtual time", "[ch02][loop]") {
  CaptureStdout out;
  VirtualClock clock;
  coro::demos::sync_vs_async(clock);
  CHECK(out.text() == "-- one after another --\n"
                      "Fetching api/users...\n"
                      "Fetching api/posts...\n"
                      "Fetching api/comments...\n"
                      "Total: 3.00 s\n"
                      "-- all at once --\n"
                      "Fetching api/users...\n"
                      "Fetching api/posts...\n"
                      "Fetching api/comments...\n"
                      "Total: 1.00 s\n");
  CHECK(clock.now().time_since_epoch() == 4s);
}

AIO_TEST_CASE("hello waits one second of loop time between its two lines", "[ch02][loop]") {
  CaptureStdout out;
  VirtualClock clock;
  coro::demos::hello(clock);
  CHECK(out.text() == "Hello\nWorld\n");
  CHECK(clock.now().time_since_epoch() == 1s);
}

AIO_TEST_CASE("timers fire in deadline order, and equal deadlines in the order they were set", "[ch02][loop]") {
  std::vector<std::string> log;
  VirtualClock clock;
  coro::EventLoop loop(clock);
  loop.spawn(note_after(3s, "c", log));
  loop.spawn(note_after(1s, "a1", log));
  loop.spawn(note_after(2s, "b", log));
  loop.spawn(note_after(1s, "a2", log));
  loop.run_forever();
  CHECK(log == std::vector<std::string>{"a1", "a2", "b", "c"});
  CHECK(clock.now().time_since_epoch() == 3s);
}

AIO_TEST_CASE("sleep(0) lets every other ready coroutine run first, and takes no time", "[ch02][loop]") {
  std::vector<std::string> log;
  auto polite = [](std::vector<std::string>& out) -> Task<> {
    out.push_back("polite starts");
    co_await coro::sleep(0s);
    out.push_back("polite ends");
  };
  auto eager = [](std::vector<std::string>& out) -> Task<> {
    out.push_back("eager runs");
    co_return;
  };
  VirtualClock clock;
  coro::EventLoop loop(clock);
  loop.spawn(polite(log));
  loop.spawn(eager(log));
  loop.run_forever();
  CHECK(log == std::vector<std::string>{"polite starts", "eager runs", "polite ends"});
  CHECK(clock.now().time_since_epoch() == 0s);
}

AIO_TEST_CASE("an exception that ends a spawned task comes out of run_forever", "[ch02][loop]") {
  auto failing = []() -> Task<> {
    co_await coro::sleep(1s);
    throw std::runtime_error("worker failed");
  };
  VirtualClock clock;
  coro::EventLoop loop(clock);
  loop.spawn(failing());
  CHECK_THROWS_WITH(loop.run_forever(), "worker failed");
}

AIO_TEST_CASE("without a running loop, current() says how to get one", "[ch02][loop]") {
  CHECK_THROWS_WITH(coro::EventLoop::current(), Catch::Contains("inside coro::run"));
}

AIO_TEST_CASE("the real clock really waits: a 20 ms sleep takes at least 20 ms", "[ch02][loop]") {
  const auto start = std::chrono::steady_clock::now();
  coro::run([]() -> Task<> { co_await coro::sleep(20ms); }());
  CHECK(std::chrono::steady_clock::now() - start >= 20ms);
}

TEST_CASE("a main coroutine that can never finish is reported as a deadlock, not a hang", "[ch02][loop]") {
  aio::testing::RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  CHECK_THROWS_WITH(coro::run(waits_forever(), clock), Catch::Contains("deadlock"));
  REQUIRE(sink.count(aio::Pitfall::deadlock) == 1);
  CHECK_THAT(sink.reports().front().summary, Catch::Contains("coroutine 'waits_forever' is waiting"));
}

TEST_CASE("run() inside a running loop is refused and reported", "[ch02][loop]") {
  aio::testing::RecordingSink sink;
  aio::ScopedSink scope(sink);
  auto outer = []() -> Task<> {
    coro::run([]() -> Task<> { co_return; }()); // wrong: co_await it instead
    co_return;
  };
  VirtualClock clock;
  CHECK_THROWS_AS(coro::run(outer(), clock), std::logic_error);
  REQUIRE(sink.count(aio::Pitfall::nested_run) == 1);
  CHECK_THAT(sink.reports().front().fix, Catch::Contains("co_await the task"));
}
