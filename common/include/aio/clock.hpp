// The clock seam: what time it is. Programs use real time; tests use virtual time, which moves
// only when the loop moves it: to the next timer, once nothing else can happen, so a scenario
// of seconds runs in microseconds and its timings are exact. A clock never waits: chapter 02's
// loop sleeps until a real deadline itself, and from chapter 03 on the selector does the
// waiting, so that something else (a socket, another thread) can end the wait early.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

namespace aio {

/// Time on a loop's clock.
using TimePoint = std::chrono::steady_clock::time_point;
/// A span of time on a loop's clock.
using Duration = std::chrono::steady_clock::duration;

// [clock]
/// The loop's source of time. It only tells the time; whoever waits for a deadline asks it.
class Clock {
public:
  virtual ~Clock() = default;
  /// The current time.
  virtual TimePoint now() const = 0;
  /// True if its time moves only through advance_to() (a VirtualClock): a loop on it does not
  /// wait for a timer, it moves the time on to it.
  virtual bool is_virtual() const noexcept { return false; }
  /// Moves a virtual clock on to `when` (never back); a real clock ignores it.
  virtual void advance_to(TimePoint when) noexcept { (void)when; }
};

/// Real time. For programs and demos.
class SteadyClock final : public Clock {
public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
};

/// Virtual time for tests: starts at zero, and moves only when a loop moves it to its next timer.
class VirtualClock final : public Clock {
public:
  TimePoint now() const override { return now_; }
  bool is_virtual() const noexcept override { return true; }
  void advance_to(TimePoint when) noexcept override { now_ = std::max(now_, when); }

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
