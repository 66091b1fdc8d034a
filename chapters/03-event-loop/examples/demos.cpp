// Chapter 03's demos: the loop's callbacks, its timers, a ticker, and a deadlock reported.
#include "demos.hpp"

#include "aio/event_loop.hpp"

#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

using namespace std::chrono_literals;

namespace aio::demos {
namespace {

// Seconds since `start` on the loop's clock, as "0.20 s".
std::string since(const EventLoop& loop, TimePoint start) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", std::chrono::duration<double>(loop.time() - start).count());
  return text;
}

} // namespace

void callbacks(Clock& clock) {
  // [callbacks]
  EventLoop loop(clock);
  loop.call_soon([] { std::cout << "first\n"; });
  loop.call_soon([&loop] {
    std::cout << "second, which schedules a fourth\n";
    loop.call_soon([&loop] {
      std::cout << "fourth, on the next pass; it stops the loop\n";
      loop.stop();
    });
  });
  loop.call_soon([] { std::cout << "third\n"; });
  loop.run_forever();
  // [callbacks]
}

void timers(Clock& clock) {
  // [timers]
  EventLoop loop(clock);
  const TimePoint start = loop.time();
  const auto say = [&](std::string what) {
    return [&loop, start, what] { std::cout << since(loop, start) << ": " << what << '\n'; };
  };
  loop.call_later(300ms, say("the third timer set, due at 0.30 s"));
  loop.call_later(100ms, say("the first timer set, due at 0.10 s"));
  Handle never = loop.call_later(200ms, say("a timer that is cancelled"));
  loop.call_at(start + 200ms, say("a call_at(start + 0.20 s)"));
  loop.call_later(400ms, [&loop] { loop.stop(); });
  never.cancel();
  loop.run_forever();
  std::cout << since(loop, start) << ": stopped\n";
  // [timers]
}

// [ticker]
void tick(EventLoop& loop, int& ticks) {
  std::cout << "tick " << ++ticks << '\n';
  if (ticks == 5) {
    loop.stop();
    return;
  }
  loop.call_later(100ms, [&loop, &ticks] { tick(loop, ticks); }); // schedules itself again
}

void ticker(Clock& clock) {
  EventLoop loop(clock);
  const TimePoint start = loop.time();
  int ticks = 0;
  loop.call_soon([&loop, &ticks] { tick(loop, ticks); });
  loop.run_forever();
  std::cout << "five ticks in " << since(loop, start) << '\n';
}
// [ticker]

void deadlock() {
  // [deadlock]
  EventLoop loop;
  loop.call_soon([] { std::cout << "the only callback runs, and nobody calls stop()\n"; });
  try {
    loop.run_forever();
  } catch (const std::exception& e) {
    std::cout << "run_forever() threw: " << e.what() << '\n';
  }
  // [deadlock]
}

} // namespace aio::demos
