// Exercise 2.2, reference answer: sleep_until().
#pragma once

#include "coro/clock.hpp"
#include "coro/event_loop.hpp"

#include <coroutine>

/// What `co_await sleep_until(t)` waits on.
class SleepUntilAwaiter {
public:
  /// Waits until `deadline` on the running loop's clock.
  explicit SleepUntilAwaiter(coro::TimePoint deadline) noexcept : deadline_(deadline) {}
  /// A deadline already reached needs no suspension.
  bool await_ready() const { return deadline_ <= coro::EventLoop::current().now(); }
  /// A timer at the deadline, carrying our handle.
  template <class Promise>
  void await_suspend(std::coroutine_handle<Promise> self) const {
    coro::EventLoop::current().call_at(deadline_, self, coro::promise_of(self));
  }
  /// What `co_await` evaluates to: nothing.
  void await_resume() const noexcept {}

private:
  coro::TimePoint deadline_;
};

/// Suspends the caller until the loop's clock reaches `deadline`.
inline SleepUntilAwaiter sleep_until(coro::TimePoint deadline) noexcept { return SleepUntilAwaiter(deadline); }
