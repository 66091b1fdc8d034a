// The selector seam: how the loop waits, and how it learns what became ready meanwhile. Here
// there is nothing to wait for but timers and wake-ups from other threads. Chapter 10 plugs in
// a selector that waits on sockets with epoll, without changing the loop.
#pragma once

#include "aio/clock.hpp"

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>

namespace aio {

class EventLoop;

// [selector]
/// How a loop waits for work (Python: the `selectors` module under asyncio). The clock tells
/// the time; the selector is the only part of a loop that waits.
class Selector {
public:
  virtual ~Selector() = default;
  /// True if something registered here (a socket) could still make work ready: then a loop
  /// with nothing ready and no timer is waiting, not deadlocked.
  virtual bool has_sources() const noexcept = 0;
  /// Waits for at most `timeout` of real time (without one: until a source is ready or
  /// wakeup() is called), schedules on `loop` whatever became ready, and returns how many
  /// things did. A timeout of zero is a poll: asyncio's `select(0)`, which the loop makes on
  /// every pass that has work ready, so a busy loop still sees its sockets.
  virtual std::size_t select(EventLoop& loop, std::optional<Duration> timeout) = 0;
  /// Makes the select() in progress return at once, or the next one if none is. Any thread
  /// may call it, any number of times: what another thread hands the loop comes in this way.
  virtual void wakeup() noexcept = 0;
};

/// The selector of a loop without sockets: it waits for the timeout, or for a wake-up.
class TimerSelector final : public Selector {
public:
  bool has_sources() const noexcept override { return false; }
  std::size_t select(EventLoop&, std::optional<Duration> timeout) override {
    std::unique_lock lock(mutex_);
    const auto woken = [this] { return woken_; };
    if (!timeout) {
      wakeups_.wait(lock, woken);
    } else if (*timeout > Duration::zero()) {
      wakeups_.wait_for(lock, *timeout, woken);
    }
    woken_ = false;
    return 0; // a wake-up is not a source: what it brought waits in the loop's inbox
  }
  void wakeup() noexcept override {
    {
      std::lock_guard lock(mutex_);
      woken_ = true;
    }
    wakeups_.notify_one();
  }

private:
  std::mutex mutex_;
  std::condition_variable wakeups_;
  bool woken_ = false; // a wake-up came while nobody was waiting: the next select() returns at once
};
// [selector]

} // namespace aio
