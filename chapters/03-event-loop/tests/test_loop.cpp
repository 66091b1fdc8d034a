// The loop's callbacks: order, passes, stop, close, the running loop, exceptions.
#include "demos.hpp"

#include "aio/event_loop.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"
#include "aio/testing/loop_time.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using aio::EventLoop;
using aio::VirtualClock;
using aio::testing::demo_output;
using Log = std::vector<std::string>;

AIO_TEST_CASE("callbacks run in the order they were scheduled, new ones on the next pass", "[ch03][loop]") {
  CHECK(demo_output(aio::demos::callbacks) == "first\n"
                                              "second, which schedules a fourth\n"
                                              "third\n"
                                              "fourth, on the next pass; it stops the loop\n");
}

AIO_TEST_CASE("run_once runs exactly what was ready when the pass began", "[ch03][loop]") {
  Log log;
  VirtualClock clock;
  EventLoop loop(clock);
  loop.call_soon([&] {
    log.push_back("a");
    loop.call_soon([&] { log.push_back("c"); });
  });
  loop.call_soon([&] { log.push_back("b"); });
  loop.run_once();
  CHECK(log == Log{"a", "b"});
  loop.run_once();
  CHECK(log == Log{"a", "b", "c"});
}

AIO_TEST_CASE("stop() ends run_forever after the current pass, and run_forever can run again", "[ch03][loop]") {
  Log log;
  VirtualClock clock;
  EventLoop loop(clock);
  loop.call_soon([&] {
    log.push_back("stops");
    loop.stop();
  });
  loop.call_soon([&] { log.push_back("same pass"); });
  loop.run_forever();
  CHECK(log == Log{"stops", "same pass"});
  loop.call_soon([&] {
    log.push_back("again");
    loop.stop();
  });
  loop.run_forever();
  CHECK(log.back() == "again");
}

AIO_TEST_CASE("get_running_loop() is the loop inside a callback, and an error outside", "[ch03][loop]") {
  VirtualClock clock;
  EventLoop loop(clock);
  EventLoop* seen = nullptr;
  loop.call_soon([&] {
    seen = &EventLoop::get_running_loop();
    CHECK(loop.is_running());
    loop.stop();
  });
  loop.run_forever();
  CHECK(seen == &loop);
  CHECK_FALSE(loop.is_running());
  CHECK_THROWS_WITH(EventLoop::get_running_loop(), Catch::Contains("no running event loop"));
}

AIO_TEST_CASE("a cancelled callback does not run and dropping a handle does not cancel", "[ch03][loop]") {
  Log log;
  VirtualClock clock;
  EventLoop loop(clock);
  aio::Handle cancelled = loop.call_soon([&] { log.push_back("cancelled"); });
  loop.call_soon([&] { log.push_back("kept without a handle"); });
  cancelled.cancel();
  CHECK(cancelled.cancelled());
  loop.run_once();
  CHECK(log == Log{"kept without a handle"});
}

namespace {
void schedule_failing(EventLoop& loop) {
  loop.call_soon([] { throw std::runtime_error("callback failed"); });
}
} // namespace

AIO_TEST_CASE("an exception from a callback is reported, naming who scheduled it, and the loop carries on",
              "[ch03][loop]") {
  aio::testing::RecordingSink sink;
  aio::ScopedSink scope(sink);
  Log log;
  VirtualClock clock;
  EventLoop loop(clock);
  schedule_failing(loop);
  loop.call_soon([&] {
    log.push_back("next one");
    loop.stop();
  });
  loop.run_forever();
  CHECK(log == Log{"next one"});
  REQUIRE(sink.count(aio::Pitfall::callback_failed) == 1);
  CHECK(sink.reports().front().summary == "exception in callback from schedule_failing failed with: callback failed");
}

AIO_TEST_CASE("an exception handler that rethrows stops run_forever with the error, and the rest still runs",
              "[ch03][loop]") {
  Log log;
  VirtualClock clock;
  EventLoop loop(clock);
  std::vector<std::string> seen;
  loop.set_exception_handler([&](EventLoop& failed, const aio::ExceptionContext& context) {
    CHECK(&failed == &loop);
    seen.push_back(context.message);
    std::rethrow_exception(context.error);
  });
  schedule_failing(loop);
  loop.call_soon([&] {
    log.push_back("next one");
    loop.stop();
  });
  CHECK_THROWS_WITH(loop.run_forever(), "callback failed");
  CHECK(seen == std::vector<std::string>{"exception in callback from schedule_failing"});
  CHECK(log.empty());
  loop.run_forever();
  CHECK(log == Log{"next one"});
}

AIO_TEST_CASE("close() drops what is pending and a closed loop accepts nothing more", "[ch03][loop]") {
  Log log;
  VirtualClock clock;
  EventLoop loop(clock);
  loop.call_soon([&] { log.push_back("never"); });
  loop.call_later(std::chrono::seconds(1), [&] { log.push_back("never either"); });
  loop.close();
  CHECK(loop.is_closed());
  CHECK(loop.timers() == 0);
  CHECK_THROWS_WITH(loop.call_soon([] {}), Catch::Contains("closed"));
  CHECK_THROWS_WITH(loop.run_once(), Catch::Contains("closed"));
  CHECK(log.empty());
}

AIO_TEST_CASE("a callback lets go of what it captured once it ran, was cancelled, or its loop closed", "[ch03][loop]") {
  // What a callback captures may hold its own Handle (a periodic timer keeping its next one):
  // releasing the captures early is what breaks that cycle. asyncio's Handle.cancel() does the same.
  VirtualClock clock;
  auto ran = std::make_shared<int>(0);
  auto cancelled = std::make_shared<int>(0);
  auto pending = std::make_shared<int>(0);
  std::weak_ptr<int> ran_weak = ran, cancelled_weak = cancelled, pending_weak = pending;
  {
    EventLoop loop(clock);
    aio::Handle h1 = loop.call_soon([ran = std::move(ran)] {});
    aio::Handle h2 = loop.call_later(std::chrono::seconds(1), [cancelled = std::move(cancelled)] {});
    aio::Handle h3 = loop.call_later(std::chrono::seconds(2), [pending = std::move(pending)] {});
    loop.run_once();
    CHECK(ran_weak.expired()); // it ran, though h1 still holds it
    h2.cancel();
    CHECK(cancelled_weak.expired()); // cancelled, though h2 still holds it
    CHECK_FALSE(pending_weak.expired());
    loop.close();
    CHECK(pending_weak.expired()); // the loop closed, though h3 still holds it
  }
}

AIO_TEST_CASE("a callback may cancel its own handle while it runs", "[ch03][loop]") {
  VirtualClock clock;
  EventLoop loop(clock);
  aio::Handle self;
  std::string seen;
  self = loop.call_soon([&self, &seen, text = std::string("still here after cancel")] {
    self.cancel();
    seen = text; // the closure must still be alive
  });
  loop.run_once();
  CHECK(seen == "still here after cancel");
}

namespace {
// A selector with one source that becomes ready once, on the first poll: it schedules `ready`.
class OneEvent final : public aio::Selector {
public:
  explicit OneEvent(std::function<void()> ready) : ready_(std::move(ready)) {}
  bool has_sources() const noexcept override { return !fired_; }
  std::size_t select(EventLoop& loop, std::optional<aio::Duration>) override {
    if (fired_) return 0;
    fired_ = true;
    loop.call_soon(ready_);
    return 1;
  }
  void wakeup() noexcept override {}

private:
  std::function<void()> ready_;
  bool fired_ = false;
};
} // namespace

AIO_TEST_CASE("a virtual clock jumps to the next timer only once the selector reports nothing", "[ch03][loop]") {
  VirtualClock clock;
  Log log;
  OneEvent selector([&] { log.push_back("event at " + std::to_string(aio::testing::ms_now()) + " ms"); });
  EventLoop loop(clock, selector);
  loop.call_later(std::chrono::seconds(5), [&] {
    log.push_back("timer at " + std::to_string(aio::testing::ms_now()) + " ms");
    loop.stop();
  });
  loop.run_forever();
  CHECK(log == Log{"event at 0 ms", "timer at 5000 ms"});
}
