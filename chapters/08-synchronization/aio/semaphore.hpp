// aio::Semaphore and aio::BoundedSemaphore: at most N tasks at a time (Python: asyncio.Semaphore).
#pragma once

#include "aio/guard.hpp"
#include "aio/wait_queue.hpp"

#include <coroutine>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace aio {

// [semaphore]
/// A counter of permits (Python: `asyncio.Semaphore`). `co_await sem.acquire()` takes one, or
/// waits while there are none; `release()` gives one back, straight to the first waiter if
/// there is one (first come, first served). `auto permit = co_await sem.scoped();` releases at
/// scope exit. The classic use: at most N requests in flight. Not thread-safe.
class Semaphore {
public:
  class Acquire;

  /// `value` permits to start with.
  explicit Semaphore(std::size_t value = 1) noexcept : value_(value) {}
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;

  /// `co_await sem.acquire()`: takes a permit, waiting for one if needed. Cancelled while
  /// waiting, it throws CancelledError and takes nothing (a permit being handed to it goes on).
  Acquire acquire() noexcept;
  /// `auto permit = co_await sem.scoped();`: acquire(), and a Guard that releases at scope exit.
  Scoped<Acquire, Semaphore> scoped() noexcept;
  /// Gives a permit back: to the first waiter, or to the count. A BoundedSemaphore throws
  /// std::logic_error if that would make more permits than it started with.
  void release();
  /// Permits available now.
  std::size_t value() const noexcept { return value_; }
  /// True if acquire() would wait (Python: `locked()`): no permit, or a waiter handed one has
  /// not run yet. Until it has, a newcomer waits behind the others even if permits came back
  /// meanwhile: first come, first served, as asyncio's Semaphore.
  bool locked() const noexcept { return value_ == 0 || wakeups_ > 0; }

protected:
  /// A semaphore that refuses to go above `bound` permits (0: no bound).
  Semaphore(std::size_t value, std::size_t bound) noexcept : value_(value), bound_(bound) {}

private:
  // Hands the permits there are to the first waiters, in order.
  void wake_waiters() noexcept {
    while (value_ > 0 && waiters_.grant_first()) {
      --value_;
      ++wakeups_;
    }
  }

  std::size_t value_;
  std::size_t bound_ = 0;
  std::size_t wakeups_ = 0; // waiters handed a permit that have not run yet
  detail::WaitQueue waiters_{"a Semaphore"};
};
// [semaphore]

/// A Semaphore whose release() throws std::logic_error if it would make more permits than it
/// started with: a release without its acquire is a bug, caught here (Python:
/// `asyncio.BoundedSemaphore`, which raises ValueError).
class BoundedSemaphore : public Semaphore {
public:
  /// `value` permits, and never more.
  explicit BoundedSemaphore(std::size_t value = 1) noexcept : Semaphore(value, value) {}
};

/// A permit of a Semaphore (see Guard).
using SemaphoreGuard = Guard<Semaphore>;

/// What `co_await sem.acquire()` does.
class Semaphore::Acquire : detail::Waiting {
public:
  /// Takes a permit of `semaphore`.
  explicit Acquire(Semaphore& semaphore) noexcept : sem_(semaphore) {}
  /// A permit is there, and nobody woken before is still to run: it is taken in await_resume.
  bool await_ready() const noexcept { return !sem_.locked(); }
  /// None: wait in line.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) {
    wait_in(sem_.waiters_, awaiting);
  }
  /// Cancelled: a permit handed over on the way goes on; then CancelledError, holding none.
  bool give_back() noexcept {
    if (granted()) {
      --sem_.wakeups_;
      ++sem_.value_;
      sem_.wake_waiters();
    }
    return true;
  }
  /// Holds a permit (or throws CancelledError, if cancelled while it waited).
  void await_resume() {
    if (!woken()) {
      --sem_.value_;
      return;
    }
    --sem_.wakeups_;
    sem_.wake_waiters(); // permits that came back while it was on its way go to those behind it
  }

private:
  Semaphore& sem_;
};

inline Semaphore::Acquire Semaphore::acquire() noexcept { return Acquire(*this); }
inline Scoped<Semaphore::Acquire, Semaphore> Semaphore::scoped() noexcept { return Scoped<Acquire, Semaphore>(*this); }

inline void Semaphore::release() {
  if (bound_ != 0 && value_ >= bound_)
    throw std::logic_error("BoundedSemaphore::release(): released more times than acquired (it started with " +
                           std::to_string(bound_) + " permits)");
  ++value_;
  wake_waiters(); // straight to the first waiter, if there is one
}

} // namespace aio
