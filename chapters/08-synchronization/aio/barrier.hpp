// aio::Barrier: N tasks meet, then all go on (Python: asyncio.Barrier).
#pragma once

#include "aio/wait_queue.hpp"

#include <coroutine>
#include <cstddef>
#include <stdexcept>

namespace aio {

/// What waiting on a barrier that was aborted or reset throws (Python:
/// `asyncio.BrokenBarrierError`).
class BrokenBarrierError : public std::runtime_error {
public:
  BrokenBarrierError() : std::runtime_error("the barrier is broken (aborted, or reset while tasks waited)") {}
};

// [barrier]
/// A meeting point for `parties` tasks (Python: `asyncio.Barrier`). Each `co_await
/// barrier.wait()` waits until `parties` tasks are waiting; then all of them go on, each with
/// its place in the order of arrival (0 to parties - 1), and the barrier is ready for the next
/// round. A task cancelled while it waits withdraws: it does not count. Not thread-safe.
class Barrier {
public:
  class Wait;

  /// A barrier for `parties` tasks; throws std::invalid_argument for 0.
  explicit Barrier(std::size_t parties);
  Barrier(const Barrier&) = delete;
  Barrier& operator=(const Barrier&) = delete;

  /// `std::size_t place = co_await barrier.wait();`. Throws BrokenBarrierError if it is broken,
  /// or becomes broken while waiting; CancelledError if cancelled while waiting.
  Wait wait() noexcept;
  /// Breaks it: the waiting tasks, and every later wait(), throw BrokenBarrierError, until
  /// reset() (Python: `abort()`).
  void abort() noexcept;
  /// Makes it whole and empty again; the tasks waiting now throw BrokenBarrierError (Python:
  /// `reset()`).
  void reset() noexcept;
  /// How many tasks it waits for.
  std::size_t parties() const noexcept { return parties_; }
  /// How many are waiting now (Python: `n_waiting`).
  std::size_t n_waiting() const noexcept { return waiters_.waiting(); }
  /// True once aborted, until reset().
  bool broken() const noexcept { return broken_; }

private:
  /// True if one more arrival completes the round.
  bool completes() const noexcept { return waiters_.waiting() + 1 == parties_; }
  /// Lets the waiting tasks go, with their places; returns the place of the last one to arrive.
  std::size_t pass() noexcept;

  std::size_t parties_;
  bool broken_ = false;
  detail::WaitQueue waiters_{"a Barrier"};
};
// [barrier]

/// What `co_await barrier.wait()` does.
class Barrier::Wait : detail::Waiting {
public:
  /// Arrives at `barrier`.
  explicit Wait(Barrier& barrier) noexcept : barrier_(barrier) {}
  /// Broken, or the last one to arrive: no wait.
  bool await_ready() noexcept { return barrier_.broken_ || barrier_.completes(); }
  /// Wait for the others.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) {
    wait_in(barrier_.waiters_, awaiting);
  }
  /// Cancelled: before it counts, the others keep waiting; after the round, they have gone on
  /// (nothing to undo). A broken barrier says so first: BrokenBarrierError, the cancellation
  /// left for the next co_await.
  bool give_back() const noexcept { return !(granted() && word() == detail::Waiter::refused); }
  /// Its place in the order of arrival.
  std::size_t await_resume() {
    if (woken()) {
      if (word() == detail::Waiter::refused) throw BrokenBarrierError();
      return word();
    }
    if (barrier_.broken_) throw BrokenBarrierError();
    return barrier_.pass();
  }

private:
  Barrier& barrier_;
};

inline Barrier::Wait Barrier::wait() noexcept { return Wait(*this); }

} // namespace aio
