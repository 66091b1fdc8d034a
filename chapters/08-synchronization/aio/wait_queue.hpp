// What every primitive of this chapter is made of: a FIFO of waiting tasks, each one a small
// future that lives in the awaiting coroutine's frame (Python: the list of futures in
// asyncio.Lock._waiters and its siblings).
//
// A task that must wait puts a Waiter in the primitive's WaitQueue and awaits it, as it would
// await any future. The primitive wakes the first one by *granting* it what it waited for (the
// lock, a permit, a reserved item): the grant is made at that moment, so nobody arriving later
// can take it first, and waiters are served strictly in the order they came. A task.cancel()
// cancels the Waiter like any future the task awaits; the awaiter then throws CancelledError.
// Waiting allocates nothing.
#pragma once

#include "aio/future.hpp"
#include "aio/task.hpp"

#include <coroutine>
#include <cstddef>
#include <optional>

namespace aio::detail {

class WaitQueue;

// [waiter]
/// One task waiting on a primitive: a future the task awaits, linked into the primitive's queue.
class Waiter final : public FutureBase {
public:
  /// What a grant can say besides "yours": the primitive refused (a queue shut down, a barrier
  /// broken).
  static constexpr std::size_t refused = static_cast<std::size_t>(-1);

  Waiter() noexcept : FutureBase(nullptr) {}
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;
  /// Leaves its queue if it is still there (its task was cancelled, or destroyed while waiting).
  ~Waiter();

  /// Queues it at the back of `queue` and suspends the task of this thread, in its coroutine
  /// `awaiting`, until the primitive grants it or the task is cancelled.
  template <class P>
  void wait_in(WaitQueue& queue, std::coroutine_handle<P> awaiting);
  /// True once granted; false while waiting, or if cancelled.
  bool granted() const noexcept { return state() == FutureState::finished; }
  /// What the grant said: `refused`, or a number for the primitive (a barrier's arrival index).
  std::size_t word() const noexcept { return word_; }

private:
  friend class WaitQueue;
  Waiter* prev_ = nullptr;
  Waiter* next_ = nullptr;
  WaitQueue* queue_ = nullptr; // null once granted, or out of the queue
  std::size_t word_ = 0;
};
// [waiter]

/// A FIFO of Waiters linked through themselves: queuing, leaving and granting are O(1).
///
/// A cancelled Waiter stays linked until its task resumes and leaves (a future cannot tell
/// anyone it was cancelled); the queue steps over such waiters, so they are never granted.
class WaitQueue {
public:
  WaitQueue() = default;
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;
  /// The primitive is going away: its waiters stay suspended, out of any queue (a task waiting
  /// for a destroyed primitive can never be woken; the loop reports it as a deadlock).
  ~WaitQueue();

  /// Appends `waiter`.
  void push_back(Waiter& waiter) noexcept;
  /// Takes `waiter` out, if it is linked here.
  void remove(Waiter& waiter) noexcept;
  /// Grants the first waiter still waiting, with `word`, and takes it out; false if there is none.
  bool grant_first(std::size_t word = 0) noexcept;
  /// Grants every waiter still waiting, first to last, with `word`; returns how many.
  std::size_t grant_all(std::size_t word = 0) noexcept;
  /// How many are linked: the waiting ones, and cancelled ones that have not left yet.
  std::size_t linked() const noexcept { return size_; }
  /// Unlinks the cancelled ones; returns how many are waiting.
  std::size_t waiting() noexcept;
  /// True if nobody is waiting.
  bool empty() noexcept { return waiting() == 0; }

private:
  Waiter* head_ = nullptr;
  Waiter* tail_ = nullptr;
  std::size_t size_ = 0;
};

template <class P>
void Waiter::wait_in(WaitQueue& queue, std::coroutine_handle<P> awaiting) {
  PromiseBase& innermost = promise_of(awaiting);
  bind(*PromiseBase::running("only a coroutine running in a task can wait on a lock, a queue or an event").loop());
  queue.push_back(*this);
  PromiseBase::suspend(innermost, this); // cancelled already: the waiter is cancelled at once
}

/// The waiting half of a primitive's awaiter: the Waiter exists only once the task has to wait,
/// so an operation that completes at once (the lock is free, the queue has an item) builds none.
class Waiting {
protected:
  /// Waits in `queue` (see Waiter::wait_in).
  template <class P>
  void wait_in(WaitQueue& queue, std::coroutine_handle<P> awaiting) {
    waiter_.emplace().wait_in(queue, awaiting);
  }
  /// After resuming: false if the task never waited; true if it was granted. Throws
  /// CancelledError if it was cancelled while it waited (nothing was granted then).
  bool woken() const {
    if (!waiter_) return false;
    if (waiter_->cancelled()) throw CancelledError();
    return true;
  }
  /// What the grant said (see Waiter::word()).
  std::size_t word() const noexcept { return waiter_->word(); }

private:
  std::optional<Waiter> waiter_;
};

/// `co_await detail::Granted(queue)`: waits in `queue` until granted, and gives the grant's word.
/// Throws CancelledError if cancelled first; a cancellation that comes after the grant is left
/// pending, for the caller to pass the grant on before it delivers it.
class Granted : Waiting {
public:
  /// Waits in `queue`.
  explicit Granted(WaitQueue& queue) noexcept : queue_(queue) {}
  bool await_ready() const noexcept { return false; } ///< Always waits.
  /// Queues the task.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) {
    wait_in(queue_, awaiting);
  }
  /// The grant's word.
  std::size_t await_resume() const {
    woken();
    return word();
  }

private:
  WaitQueue& queue_;
};

} // namespace aio::detail
