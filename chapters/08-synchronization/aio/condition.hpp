// aio::Condition: wait until another task says the state has changed (Python: asyncio.Condition).
#pragma once

#include "aio/lock.hpp"
#include "aio/task.hpp"
#include "aio/wait_queue.hpp"

#include <cstddef>

namespace aio {

// [condition]
/// A condition variable for tasks (Python: `asyncio.Condition`): a Lock, and a queue of tasks
/// waiting for a change of the state that lock protects. With the lock held, `co_await
/// cond.wait()` releases it, waits for notify(), and takes the lock again before it returns;
/// `co_await cond.wait_for(pred)` does so until `pred()` is true. Not thread-safe.
class Condition {
public:
  /// A condition with a lock of its own.
  Condition() noexcept : lock_(&own_) {}
  /// A condition over `lock`, which several conditions may share.
  explicit Condition(Lock& lock) noexcept : lock_(&lock) {}
  Condition(const Condition&) = delete;
  Condition& operator=(const Condition&) = delete;

  /// `co_await cond.acquire()`: takes the lock (see Lock::acquire()).
  Lock::Acquire acquire() noexcept { return lock_->acquire(); }
  /// `auto guard = co_await cond.scoped();` (see Lock::scoped()).
  Scoped<Lock::Acquire, Lock> scoped() noexcept { return lock_->scoped(); }
  /// Releases the lock.
  void release() { lock_->release(); }
  /// True while the lock is held.
  bool locked() const noexcept { return lock_->locked(); }

  /// Releases the lock, waits for a notify(), and takes the lock again. The lock is held again
  /// when it returns, and also when it throws CancelledError (as with Python's `wait()`). Throws
  /// std::logic_error if the lock is not held.
  Task<> wait();
  /// Waits (as wait()) until `pred()` is true; it is checked first, with the lock held.
  template <class Pred>
  Task<> wait_for(Pred pred) {
    while (!pred()) co_await wait();
  }
  /// Wakes up to `n` waiting tasks, first come first woken; the lock must be held (they run
  /// once they can take it back).
  void notify(std::size_t n = 1);
  /// Wakes every waiting task; the lock must be held.
  void notify_all();

private:
  void check_held(const char* what) const;

  Lock own_;
  Lock* lock_;
  detail::WaitQueue waiters_{"a Condition"};
};
// [condition]

} // namespace aio
