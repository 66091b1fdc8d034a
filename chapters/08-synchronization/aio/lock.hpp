// aio::Lock: one task at a time (Python: asyncio.Lock).
#pragma once

#include "aio/guard.hpp"
#include "aio/wait_queue.hpp"

#include <coroutine>
#include <stdexcept>

namespace aio {

// [lock]
/// A mutual exclusion lock for tasks (Python: `asyncio.Lock`). `co_await lock.acquire()` takes
/// it, or waits; `release()` hands it straight to the first waiter, so the tasks get it in the
/// order they asked and nobody can slip in between. The usual form is a guard:
/// `auto guard = co_await lock.scoped();`. Not thread-safe: use it from one loop's thread.
class Lock {
public:
  class Acquire;

  Lock() = default;
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

  /// `co_await lock.acquire()`: takes the lock, waiting for it if it is held. Cancelled while
  /// waiting, it throws CancelledError and holds nothing (even if it was being handed the lock:
  /// the lock goes on to the next waiter).
  Acquire acquire() noexcept;
  /// `auto guard = co_await lock.scoped();`: acquire(), and a Guard that releases at scope exit.
  Scoped<Acquire, Lock> scoped() noexcept;
  /// Releases it: the first waiter gets it, or it is free. Throws std::logic_error if it is
  /// not held.
  void release();
  /// True while some task holds it (Python: `locked()`).
  bool locked() const noexcept { return locked_; }

private:
  bool locked_ = false;
  detail::WaitQueue waiters_{"a Lock"};
};
// [lock]

/// Guards a Lock (see Guard).
using LockGuard = Guard<Lock>;

// [lock-acquire]
/// What `co_await lock.acquire()` does.
class Lock::Acquire : detail::Waiting {
public:
  /// Acquires `lock`.
  explicit Acquire(Lock& lock) noexcept : lock_(lock) {}
  /// Free: it is taken in await_resume, without suspending.
  bool await_ready() const noexcept { return !lock_.locked_; }
  /// Held: wait in line.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) {
    wait_in(lock_.waiters_, awaiting);
  }
  /// Cancelled: a lock handed over on the way goes on to the next waiter; then CancelledError.
  bool give_back() noexcept {
    if (granted()) lock_.release();
    return true;
  }
  /// Holds the lock (or throws CancelledError, if cancelled while it waited).
  void await_resume() {
    if (!woken()) lock_.locked_ = true; // it was free: take it
  }

private:
  Lock& lock_;
};
// [lock-acquire]

inline Lock::Acquire Lock::acquire() noexcept { return Acquire(*this); }
inline Scoped<Lock::Acquire, Lock> Lock::scoped() noexcept { return Scoped<Acquire, Lock>(*this); }

// [lock-release]
inline void Lock::release() {
  if (!locked_)
    throw std::logic_error("Lock::release(): the lock is not held (release only what you acquired; a "
                           "guard from co_await lock.scoped() does it for you, once)");
  if (!waiters_.grant_first()) locked_ = false; // handed over: it stays locked, for the next task
}
// [lock-release]

} // namespace aio
