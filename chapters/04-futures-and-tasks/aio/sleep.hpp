// aio::sleep: suspend the running task for a while (Python: asyncio.sleep).
#pragma once

#include "aio/clock.hpp"
#include "aio/task.hpp"

#include <chrono>
#include <coroutine>

namespace aio {

// [sleep]
/// What `co_await aio::sleep(d)` does: the task's own node goes into the loop's timer heap (or,
/// for a delay of zero or less, straight into the ready queue: one trip round the loop, which
/// lets every other ready task run first). Nothing is allocated.
class [[nodiscard]] Sleep {
public:
  /// Sleeps for `delay` on the loop's clock.
  explicit Sleep(Duration delay) noexcept : delay_(delay) {}
  /// Always suspends, even for zero: `sleep(0)` is how a task lets the others run.
  bool await_ready() const noexcept { return false; }
  /// Queues the task to be woken when the delay has passed.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) const {
    detail::PromiseBase& task = detail::PromiseBase::suspend(detail::promise_of(awaiting));
    EventLoop& loop = *task.loop();
    if (delay_ <= Duration::zero() || task.must_cancel()) {
      loop.schedule(task);
    } else {
      loop.schedule_at(task, loop.time() + delay_);
    }
  }
  /// The time has passed; or the task was cancelled meanwhile (task.cancel() takes its node
  /// out of the timer heap and queues it), and this throws CancelledError.
  void await_resume() const { detail::PromiseBase::deliver_cancellation(); }

private:
  Duration delay_;
};

/// Suspends the running task for `delay` (Python: `await asyncio.sleep(delay)`): `sleep(500ms)`,
/// `sleep(1.5s)`, `sleep(0s)`.
template <class Rep, class Period>
Sleep sleep(std::chrono::duration<Rep, Period> delay) noexcept {
  return Sleep(std::chrono::duration_cast<Duration>(delay));
}
// [sleep]

} // namespace aio
