// aio::sleep: suspend the running task for a while (Python: asyncio.sleep).
#pragma once

#include "aio/clock.hpp"
#include "aio/parking.hpp"
#include "aio/task.hpp"

#include <chrono>
#include <coroutine>
#include <string>

namespace aio {

namespace detail {
/// Where a sleeping task is parked: its own node, in the loop's timer heap. It needs no state
/// of its own (the task knows its loop), so every sleep shares this one.
class TimerParking final : public Parking {
public:
  /// Takes the task out of the heap and queues it: the sleep ends at once, with CancelledError.
  Cancelled cancel(PromiseBase& task) noexcept override {
    if (task.loop()->cancel(task)) task.wake(); // (not in the heap: queued already)
    return Cancelled::woken;
  }
  void abandon(PromiseBase& task) noexcept override { task.loop()->cancel(task); }
  std::string describe() const override { return "is asleep: a timer will wake it"; }
};
inline TimerParking timer_parking;
} // namespace detail

// [sleep]
/// What `co_await aio::sleep(d)` does: the task's own node goes into the loop's timer heap, and
/// the task parks on it (or, for a delay of zero or less, straight into the ready queue: one
/// trip round the loop, which lets every other ready task run first). Nothing is allocated.
class [[nodiscard]] Sleep {
public:
  /// Sleeps for `delay` on the loop's clock.
  explicit Sleep(Duration delay) noexcept : delay_(delay) {}
  /// Always suspends, even for zero: `sleep(0)` is how a task lets the others run.
  bool await_ready() const noexcept { return false; }
  /// Queues the task to be woken when the delay has passed.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) const {
    detail::PromiseBase& task = detail::PromiseBase::suspending(detail::promise_of(awaiting));
    EventLoop& loop = *task.loop();
    if (delay_ <= Duration::zero()) {
      loop.schedule(task);
    } else {
      loop.schedule_at(task, loop.time() + delay_);
      task.park(detail::timer_parking); // parked in the timer heap
    }
  }
  /// The time has passed.
  void await_resume() const noexcept {}

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
