// sleep(): the first awaiter that really waits. The coroutine suspends, the loop keeps a timer
// with its handle, and resumes it when the clock reaches the deadline. Nothing blocks: while
// it sleeps, every other coroutine on the loop runs.
#pragma once

#include "coro/clock.hpp"
#include "coro/event_loop.hpp"

#include <coroutine>

namespace coro {

// [sleep]
/// What `co_await coro::sleep(d)` waits on.
class [[nodiscard]] SleepAwaiter {
public:
  /// Waits for `duration` on the running loop's clock.
  explicit SleepAwaiter(Duration duration) noexcept : duration_(duration) {}
  /// Always suspends, even for zero: `sleep(0s)` lets every other ready coroutine run first.
  bool await_ready() const noexcept { return false; }
  /// Hands our handle to the loop as a timer; the loop resumes us when it fires.
  template <class Promise>
  void await_suspend(std::coroutine_handle<Promise> self) const {
    EventLoop& loop = EventLoop::current();
    loop.call_at(loop.now() + duration_, self, promise_of(self));
  }
  /// Nothing to return: we are simply back, later.
  void await_resume() const noexcept {}

private:
  Duration duration_;
};

/// Suspends the calling coroutine for `duration` without blocking the loop (Python: `asyncio.sleep`).
inline SleepAwaiter sleep(Duration duration) noexcept { return SleepAwaiter(duration); }
// [sleep]

} // namespace coro
