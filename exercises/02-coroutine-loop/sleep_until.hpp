// Exercise 2.2: sleep_until(), an awaiter that wakes at a point in time.
#pragma once

#include "coro/clock.hpp"
#include "coro/event_loop.hpp"

#include "aio/todo.hpp"

#include <coroutine>

/// What `co_await sleep_until(t)` waits on.
///
/// The coroutine is resumed once the loop's clock reaches `deadline`. A deadline that has
/// already passed does not suspend at all: the coroutine just carries on.
class SleepUntilAwaiter {
public:
  /// Waits until `deadline` on the running loop's clock.
  explicit SleepUntilAwaiter(coro::TimePoint deadline) noexcept : deadline_(deadline) {}
  /// Whether the coroutine can skip suspending.
  bool await_ready() const { AIO_TODO("2.2"); }
  /// Called with the suspended coroutine's handle: arrange for it to be resumed.
  void await_suspend(std::coroutine_handle<> self) const {
    (void)self;
    AIO_TODO("2.2");
  }
  /// What `co_await` evaluates to: nothing.
  void await_resume() const noexcept {}

private:
  [[maybe_unused]] coro::TimePoint deadline_;
};

/// Suspends the caller until the loop's clock reaches `deadline`.
inline SleepUntilAwaiter sleep_until(coro::TimePoint deadline) noexcept { return SleepUntilAwaiter(deadline); }
