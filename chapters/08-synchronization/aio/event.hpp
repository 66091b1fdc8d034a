// aio::Event: wake every waiting task at once (Python: asyncio.Event).
#pragma once

#include "aio/wait_queue.hpp"

#include <coroutine>

namespace aio {

// [event]
/// A flag tasks can wait for (Python: `asyncio.Event`). `co_await event.wait()` returns at once
/// if it is set, else waits until set() is called; set() wakes every waiter, in the order they
/// came. clear() makes later waits wait again. Not thread-safe.
class Event {
public:
  class Wait;

  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  /// `co_await event.wait()`: returns once it is set. Cancelled while waiting: CancelledError.
  Wait wait() noexcept;
  /// Sets it and wakes every task waiting (Python: `set()`).
  void set() noexcept {
    set_ = true;
    waiters_.grant_all();
  }
  /// Unsets it (Python: `clear()`).
  void clear() noexcept { set_ = false; }
  /// True if set (Python: `is_set()`).
  bool is_set() const noexcept { return set_; }

private:
  bool set_ = false;
  detail::WaitQueue waiters_{"an Event"};
};
// [event]

/// What `co_await event.wait()` does.
class Event::Wait : detail::Waiting {
public:
  /// Waits for `event`.
  explicit Wait(Event& event) noexcept : event_(event) {}
  /// Set already: no wait.
  bool await_ready() const noexcept { return event_.set_; }
  /// Not set: wait with the others.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) {
    wait_in(event_.waiters_, awaiting);
  }
  /// Returns, or throws CancelledError (nothing to give back: the event stays set for others).
  void await_resume() const { woken(); }

private:
  Event& event_;
};

inline Event::Wait Event::wait() noexcept { return Wait(*this); }

} // namespace aio
