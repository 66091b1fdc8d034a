// Conformance with asyncio's event loop: each case follows what a test of CPython's
// Lib/test/test_asyncio asserts (named in the comment above it), translated to this loop.
#include "aio/event_loop.hpp"
#include "aio/selector.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using aio::EventLoop;
using aio::VirtualClock;
using Log = std::vector<std::string>;
using namespace std::chrono_literals;

namespace {

// A selector with a source that never becomes ready (a socket nobody writes to): it counts how
// often the loop asks it, and how often without waiting.
class CountingSelector final : public aio::Selector {
public:
  bool has_sources() const noexcept override { return true; }
  std::size_t select(EventLoop&, std::optional<aio::Duration> timeout) override {
    ++calls;
    if (timeout && *timeout == aio::Duration::zero()) ++polls;
    return 0; // (on a virtual clock nothing is waited for: the loop moves the time on itself)
  }
  void wakeup() noexcept override {}
  int calls = 0;
  int polls = 0; // asked with a timeout of zero: no waiting
};

} // namespace

// test_base_events.BaseEventLoopTests.test_call_soon, test_events: callbacks run first in, first out.
AIO_TEST_CASE("asyncio: call_soon callbacks run in the order they were scheduled", "[ch03][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Log log;
  for (const char* name : {"a", "b", "c"}) loop.call_soon([&log, name] { log.push_back(name); });
  loop.call_soon([&] { loop.stop(); });
  loop.run_forever();
  CHECK(log == Log{"a", "b", "c"});
}

// test_base_events.BaseEventLoopTests.test_call_later_negative_delays: negative delays are due
// at once, and still run in deadline order.
AIO_TEST_CASE("asyncio: call_later with negative delays runs them in deadline order", "[ch03][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Log log;
  loop.call_later(-1s, [&] { log.push_back("a"); });
  loop.call_later(-2s, [&] { log.push_back("b"); });
  loop.run_once();
  CHECK(log == Log{"b", "a"});
}

// test_base_events.BaseEventLoopTests.test_time_and_call_at: call_at(time() + d) runs once d has passed.
AIO_TEST_CASE("asyncio: call_at runs the callback when the loop's time reaches the deadline", "[ch03][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  const aio::TimePoint start = loop.time();
  aio::TimePoint ran{};
  loop.call_at(start + 100ms, [&] {
    ran = loop.time();
    loop.stop();
  });
  loop.run_forever();
  CHECK(ran - start == 100ms);
}

// test_base_events.BaseEventLoopTests.test__run_once_schedule_handle: what a due timer's
// callback schedules waits for the next pass.
AIO_TEST_CASE("asyncio: a callback scheduled by a timer's callback runs on the next pass", "[ch03][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Log log;
  loop.call_later(-1s, [&] {
    log.push_back("timer");
    loop.call_soon([&] { log.push_back("scheduled by it"); });
  });
  loop.run_once();
  CHECK(log == Log{"timer"});
  loop.run_once();
  CHECK(log == Log{"timer", "scheduled by it"});
}

// test_base_events.BaseEventLoopTests.test_run_once: the idiom call_soon(stop) + run_forever()
// runs what was scheduled before it exactly once.
AIO_TEST_CASE("asyncio: call_soon(stop) then run_forever runs the earlier callbacks once", "[ch03][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  int count = 0;
  loop.call_soon([&] { ++count; });
  loop.call_soon([&] { loop.stop(); });
  loop.run_forever();
  CHECK(count == 1);
}

// test_base_events.BaseEventLoopTests.test_run_forever_pre_stopped: stop() before run_forever()
// makes it run one pass, polling the selector once without waiting, then return.
AIO_TEST_CASE("asyncio: stop() before run_forever makes it run one pass and return", "[ch03][asyncio]") {
  VirtualClock clock;
  CountingSelector selector;
  EventLoop loop(clock, selector);
  Log log;
  loop.call_soon([&] {
    log.push_back("queued before");
    loop.call_soon([&] { log.push_back("next pass"); });
  });
  loop.call_later(10s, [&] { log.push_back("timer"); });
  loop.stop();
  loop.run_forever();
  CHECK(log == Log{"queued before"});
  CHECK(selector.calls == 1); // asyncio: select(0), called once
  CHECK(selector.polls == 1);
  CHECK(loop.time() == aio::TimePoint{});
  CHECK_FALSE(loop.is_running());
  loop.stop();
  loop.run_forever(); // the stop was used up: a second pre-stopped run is one more pass
  CHECK(log == Log{"queued before", "next pass"});
}

// test_events.EventLoopTestsMixin.test_run_until_complete_stopped, test_base_events (stop from a
// callback): stop() ends the run after the current pass, whose other callbacks still run.
AIO_TEST_CASE("asyncio: stop() in a callback lets the rest of that pass run", "[ch03][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Log log;
  loop.call_soon([&] {
    loop.stop();
    loop.call_soon([&] { log.push_back("next pass"); });
  });
  loop.call_soon([&] { log.push_back("same pass"); });
  loop.run_forever();
  CHECK(log == Log{"same pass"});
}

// test_events.HandleTests.test_handle, test_base_events.test__add_callback_cancelled_handle:
// a cancelled handle never runs, whether it is queued or a timer.
AIO_TEST_CASE("asyncio: a cancelled handle never runs, queued or timed", "[ch03][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Log log;
  aio::Handle soon = loop.call_soon([&] { log.push_back("soon"); });
  aio::Handle later = loop.call_later(1s, [&] { log.push_back("later"); });
  soon.cancel();
  later.cancel();
  CHECK(soon.cancelled());
  CHECK(later.cancelled());
  loop.call_later(2s, [&] { loop.stop(); });
  loop.run_forever();
  CHECK(log.empty());
  CHECK(loop.time() == aio::TimePoint{} + 2s);
}

// test_base_events: due timers join the ready queue after the callbacks already in it.
AIO_TEST_CASE("asyncio: a due timer runs after the callbacks that were ready before it", "[ch03][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Log log;
  loop.call_later(0s, [&] { log.push_back("timer"); });
  loop.call_soon([&] { log.push_back("soon"); });
  loop.run_once();
  CHECK(log == Log{"soon", "timer"});
}

// test_base_events.BaseEventLoopTests.test_close: close() may be called again, and a closed
// loop refuses to run.
AIO_TEST_CASE("asyncio: close() is idempotent and a closed loop refuses to run", "[ch03][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  CHECK_FALSE(loop.is_closed());
  loop.close();
  loop.close();
  CHECK(loop.is_closed());
  CHECK_THROWS_AS(loop.run_forever(), std::logic_error);
  CHECK_THROWS_AS(loop.call_later(1s, [] {}), std::logic_error);
}

// test_events.EventLoopTestsMixin.test_run_until_complete_nesting: a loop cannot run inside a
// running loop.
AIO_TEST_CASE("asyncio: run_forever inside a running loop is refused", "[ch03][asyncio]") {
  VirtualClock clock;
  EventLoop loop(clock);
  bool refused = false;
  loop.call_soon([&] {
    try {
      loop.run_forever();
    } catch (const std::logic_error&) {
      refused = true;
    }
    loop.stop();
  });
  aio::testing::RecordingSink sink;
  aio::ScopedSink scope(sink);
  loop.run_forever();
  CHECK(refused);
  CHECK(sink.count(aio::Pitfall::nested_run) == 1);
}

// test_base_events.BaseEventLoopTests.test__run_once (select on every pass): a loop that always
// has work ready still polls its selector on every pass, so a busy task cannot starve the sockets.
AIO_TEST_CASE("asyncio: a loop with work always ready still polls its selector on every pass", "[ch03][asyncio]") {
  VirtualClock clock;
  CountingSelector selector;
  EventLoop loop(clock, selector);
  int passes = 0;
  std::function<void()> busy = [&] { // reschedules itself 100,000 times: never a pass without work
    if (++passes < 100'000) {
      loop.call_soon(busy);
    } else {
      loop.stop();
    }
  };
  loop.call_soon(busy);
  loop.run_forever();
  CHECK(passes == 100'000);
  CHECK(selector.calls == 100'000);
  CHECK(selector.polls == 100'000); // every one without waiting
  CHECK(loop.time() == aio::TimePoint{});
}
