// Chapter 03 exercises. Compiled twice: against your files in exercises/03-event-loop/ (what
// ./course grade 03 runs) and against the reference answers in solutions/. The loop runs on a
// VirtualClock, so every time below is exact; every test runs under the pitfall guard.
#include "call_every.hpp"
#include "debouncer.hpp"
#include "throttle.hpp"

#include "aio/event_loop.hpp"

#include "aio/testing/guard.hpp"
#include "aio/testing/loop_time.hpp"

#include <catch2/catch.hpp>

#include <vector>

using aio::EventLoop;
using aio::VirtualClock;
using aio::testing::ms_since_start;
using namespace std::chrono_literals;

namespace {

using Times = std::vector<long long>; // milliseconds on the loop's clock

// Runs `loop` until `end` (virtual time), then stops it.
void run_until(EventLoop& loop, aio::Duration end) {
  loop.call_at(aio::TimePoint(end), [&loop] { loop.stop(); });
  loop.run_forever();
}

// Calls `action` at each of `at` (virtual times from zero).
template <class F>
void at_times(EventLoop& loop, std::vector<aio::Duration> at, F action) {
  for (aio::Duration when : at) loop.call_at(aio::TimePoint(when), action);
}

} // namespace

// --- 3.1 call_every ----------------------------------------------------------------------

AIO_TEST_CASE("call_every: calls at every period, starting one period from now", "[ex3.1]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Times calls;
  Periodic periodic = call_every(loop, 100ms, [&] { calls.push_back(ms_since_start(loop)); });
  run_until(loop, 450ms);
  CHECK(calls == Times{100, 200, 300, 400});
  CHECK(periodic.calls() == 4);
}

AIO_TEST_CASE("call_every: a slow call makes the next one late, never the ones after it", "[ex3.1]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Times calls;
  Periodic periodic = call_every(loop, 100ms, [&] {
    calls.push_back(ms_since_start(loop));
    if (calls.size() == 1) clock.advance_to(loop.time() + 130ms); // the first call takes 130 ms
  });
  run_until(loop, 450ms);
  CHECK(calls == Times{100, 230, 300, 400});
  CHECK(periodic.calls() == 4);
}

AIO_TEST_CASE("call_every: cancel stops it, even from inside its own callback", "[ex3.1]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Times calls;
  Periodic periodic;
  periodic = call_every(loop, 100ms, [&] {
    calls.push_back(ms_since_start(loop));
    if (calls.size() == 3) periodic.cancel();
  });
  run_until(loop, 1s);
  CHECK(calls == Times{100, 200, 300});
  CHECK(loop.timers() == 0);
}

// --- 3.2 Debouncer -----------------------------------------------------------------------

AIO_TEST_CASE("debouncer: a burst of triggers runs the function once, after the last", "[ex3.2]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Times runs;
  Debouncer debounce(loop, 100ms, [&] { runs.push_back(ms_since_start(loop)); });
  at_times(loop, {0ms, 50ms, 80ms}, [&] { debounce.trigger(); });
  run_until(loop, 1s);
  CHECK(runs == Times{180});
}

AIO_TEST_CASE("debouncer: two bursts apart run it twice", "[ex3.2]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Times runs;
  Debouncer debounce(loop, 100ms, [&] { runs.push_back(ms_since_start(loop)); });
  at_times(loop, {0ms, 30ms, 500ms, 520ms, 540ms}, [&] { debounce.trigger(); });
  run_until(loop, 1s);
  CHECK(runs == Times{130, 640});
}

AIO_TEST_CASE("debouncer: cancel forgets the pending run", "[ex3.2]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Times runs;
  Debouncer debounce(loop, 100ms, [&] { runs.push_back(ms_since_start(loop)); });
  at_times(loop, {0ms}, [&] { debounce.trigger(); });
  at_times(loop, {60ms}, [&] { debounce.cancel(); });
  run_until(loop, 1s);
  CHECK(runs.empty());
  CHECK(loop.timers() == 0);
}

// --- 3.3 Throttle ------------------------------------------------------------------------

AIO_TEST_CASE("throttle: the first trigger runs at once, the rest of the period folds into one", "[ex3.3]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Times runs;
  Throttle throttle(loop, 100ms, [&] { runs.push_back(ms_since_start(loop)); });
  at_times(loop, {0ms, 10ms, 20ms, 30ms}, [&] { throttle.trigger(); });
  run_until(loop, 1s);
  CHECK(runs == Times{0, 100});
}

AIO_TEST_CASE("throttle: a trailing run starts the next period", "[ex3.3]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Times runs;
  Throttle throttle(loop, 100ms, [&] { runs.push_back(ms_since_start(loop)); });
  at_times(loop, {0ms, 10ms, 150ms}, [&] { throttle.trigger(); });
  run_until(loop, 1s);
  CHECK(runs == Times{0, 100, 200});
}

AIO_TEST_CASE("throttle: after a quiet period, a trigger runs at once again", "[ex3.3]") {
  VirtualClock clock;
  EventLoop loop(clock);
  Times runs;
  Throttle throttle(loop, 100ms, [&] { runs.push_back(ms_since_start(loop)); });
  at_times(loop, {0ms, 350ms, 360ms}, [&] { throttle.trigger(); });
  run_until(loop, 1s);
  CHECK(runs == Times{0, 350, 450});
}
