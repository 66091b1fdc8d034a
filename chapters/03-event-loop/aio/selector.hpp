// The selector seam: how the loop waits when nothing is ready. Here there is nothing to wait
// for but timers, so waiting is sleeping until the next one. Chapter 10 plugs in a selector
// that waits on sockets with epoll, without changing the loop.
#pragma once

#include "aio/clock.hpp"

#include <optional>

namespace aio {

class EventLoop;

// [selector]
/// How a loop waits for work when nothing is ready (Python: the `selectors` module under asyncio).
class Selector {
public:
  virtual ~Selector() = default;
  /// True if something registered here (a socket, a wake-up) could still make work ready: then
  /// a loop with nothing ready and no timer is waiting, not deadlocked.
  virtual bool has_sources() const noexcept = 0;
  /// Waits until `deadline` (without one: until a source is ready), and schedules on `loop`
  /// whatever became ready meanwhile. The loop asks on every pass while it has sources: with a
  /// deadline of now when work is ready already (a poll, as asyncio's `select(0)`).
  virtual void select(EventLoop& loop, std::optional<TimePoint> deadline) = 0;
};

/// The selector of a loop with only timers: waiting means letting the clock reach the deadline.
class TimerSelector final : public Selector {
public:
  /// Waits on `clock`: really for a SteadyClock, by jumping for a VirtualClock.
  explicit TimerSelector(Clock& clock) noexcept : clock_(clock) {}
  bool has_sources() const noexcept override { return false; }
  void select(EventLoop&, std::optional<TimePoint> deadline) override {
    if (deadline) clock_.wait_until(*deadline);
  }

private:
  Clock& clock_;
};
// [selector]

} // namespace aio
