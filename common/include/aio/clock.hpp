// The clock seam: what time it is, and how a loop waits for the next timer.
// Programs use real time; tests use virtual time, in which "waiting" means jumping the clock
// to the next timer, so a scenario of seconds runs in microseconds and its timings are exact.
// Chapter 02's loop introduces it; the runtime's loop (chapter 03 on) takes the same seam.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

namespace aio {

/// Time on a loop's clock.
using TimePoint = std::chrono::steady_clock::time_point;
/// A span of time on a loop's clock.
using Duration = std::chrono::steady_clock::duration;

// [clock]
/// The loop's source of time.
class Clock {
public:
  virtual ~Clock() = default;
  /// The current time.
  virtual TimePoint now() const = 0;
  /// Called by the loop when nothing is ready: return once `deadline` has come.
  virtual void wait_until(TimePoint deadline) = 0;
};

/// Real time: waiting really sleeps. For programs and demos.
class SteadyClock final : public Clock {
public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  void wait_until(TimePoint deadline) override { std::this_thread::sleep_until(deadline); }
};

/// Virtual time for tests: starts at zero, and waiting jumps straight to the deadline.
class VirtualClock final : public Clock {
public:
  TimePoint now() const override { return now_; }
  void wait_until(TimePoint deadline) override { now_ = std::max(now_, deadline); }

private:
  TimePoint now_{};
};
// [clock]

/// `span` as demos print it: "0.50 s".
inline std::string seconds_text(Duration span) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", std::chrono::duration<double>(span).count());
  return text;
}

/// The process's real clock, the default of every loop.
inline SteadyClock& steady_clock() {
  static SteadyClock clock;
  return clock;
}

} // namespace aio
