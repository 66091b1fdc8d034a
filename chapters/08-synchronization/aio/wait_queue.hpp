// What every primitive of this chapter is made of: a FIFO of waiting tasks, each one a Waiter
// that lives in the awaiting coroutine's frame (Python: the list of futures in
// asyncio.Lock._waiters and its siblings).
//
// A task that must wait puts a Waiter in the primitive's WaitQueue and parks on it. The
// primitive wakes the first one by *granting* it what it waited for (the lock, a permit, a
// reserved item): the grant is made at that moment, so nobody arriving later can take it first,
// and waiters are served strictly in the order they came. A Waiter is a Parking (chapter 04):
// task.cancel() asks it, and it leaves the queue at once, in O(1), and wakes its task to take
// CancelledError; so the queue only ever holds tasks that still wait. Waiting allocates nothing.
#pragma once

#include "aio/parking.hpp"
#include "aio/task.hpp"

#include <coroutine>
#include <cstddef>
#include <optional>
#include <string>

namespace aio::detail {

class WaitQueue;

// [waiter]
/// One task waiting on a primitive, linked into the primitive's queue, and parked there.
class Waiter final : public Parking {
public:
  /// What a grant can say besides "yours": the primitive refused (a queue shut down, a barrier
  /// broken).
  static constexpr std::size_t refused = static_cast<std::size_t>(-1);

  Waiter() = default;
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;
  /// Leaves its queue if it is still there (its task was destroyed while waiting).
  ~Waiter();

  /// Queues it at the back of `queue` and parks the task of this thread, suspending in its
  /// coroutine `awaiting`, until the primitive grants it or the task is cancelled.
  template <class P>
  void wait_in(WaitQueue& queue, std::coroutine_handle<P> awaiting);
  /// True once granted; false while waiting, or if cancelled.
  bool granted() const noexcept { return granted_; }
  /// What the grant said: `refused`, or a number for the primitive (a barrier's arrival index).
  std::size_t word() const noexcept { return word_; }

private:
  friend class WaitQueue;
  Cancelled cancel(PromiseBase& task) noexcept override;
  void abandon(PromiseBase& task) noexcept override;
  std::string describe() const override;

  Waiter* prev_ = nullptr;
  Waiter* next_ = nullptr;
  WaitQueue* queue_ = nullptr; // null once granted, cancelled, or abandoned
  PromiseBase* task_ = nullptr;
  const char* what_ = ""; // the primitive, for a task dump: "a Lock"
  std::size_t word_ = 0;
  bool granted_ = false;
};
// [waiter]

/// A FIFO of Waiters linked through themselves: queuing, leaving and granting are O(1).
class WaitQueue {
public:
  /// The queue of the primitive `what` ("a Lock"), as a task dump names it.
  explicit WaitQueue(const char* what) noexcept : what_(what) {}
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;
  /// The primitive is going away: its waiters stay suspended, out of any queue (a task waiting
  /// for a destroyed primitive can never be woken; the loop reports it as a deadlock).
  ~WaitQueue();

  /// Appends `waiter`.
  void push_back(Waiter& waiter) noexcept;
  /// Takes `waiter` out, if it is linked here.
  void remove(Waiter& waiter) noexcept;
  /// Grants the first waiter, with `word`, takes it out and queues its task; false if there is none.
  bool grant_first(std::size_t word = 0) noexcept;
  /// Grants every waiter, first to last, with `word`; returns how many.
  std::size_t grant_all(std::size_t word = 0) noexcept;
  /// How many are waiting.
  std::size_t waiting() const noexcept { return size_; }
  /// True if nobody is waiting.
  bool empty() const noexcept { return size_ == 0; }
  /// The primitive's name.
  const char* what() const noexcept { return what_; }

private:
  Waiter* head_ = nullptr;
  Waiter* tail_ = nullptr;
  std::size_t size_ = 0;
  const char* what_;
};

template <class P>
void Waiter::wait_in(WaitQueue& queue, std::coroutine_handle<P> awaiting) {
  task_ = &PromiseBase::suspending(promise_of(awaiting),
                                   "only a coroutine running in a task can wait on a lock, a queue or an event");
  what_ = queue.what();
  queue.push_back(*this);
  task_->park(*this); // cancelled already: it leaves the queue at once
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
  /// CancelledError if it was cancelled while it waited (nothing was granted then), for a
  /// cancellation taken back (uncancel) before the task resumed.
  bool woken() const {
    if (!waiter_) return false;
    if (!waiter_->granted()) throw CancelledError();
    return true;
  }
  /// True if it waited and was granted, whatever the grant said (for give_back()).
  bool granted() const noexcept { return waiter_ && waiter_->granted(); }
  /// What the grant said (see Waiter::word()).
  std::size_t word() const noexcept { return waiter_->word(); }

private:
  std::optional<Waiter> waiter_;
};

/// `co_await detail::Granted(queue)`: waits in `queue` until granted, and gives the grant's word.
/// Cancelled after the grant, it hands the grant to the next waiter, then throws CancelledError.
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
  /// Granted, then cancelled: the grant goes to the next waiter.
  bool give_back() noexcept {
    if (granted()) queue_.grant_first(word());
    return true;
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
