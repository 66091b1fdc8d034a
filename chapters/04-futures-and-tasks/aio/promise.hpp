// PromiseBase: the part of every Task coroutine's promise that does not depend on its value.
//
// A task *is* its coroutine frame, and this is what the frame holds besides the coroutine's own
// locals: the future of its outcome, the one node by which the loop wakes it whatever it waits
// for, the stack of coroutines it runs inline, and what it is parked on. Suspending and resuming
// a task allocates nothing. The member functions live in files by concern: promise.cpp (start,
// park, run, finish), lifetime.cpp (who owns the frame), cancel.cpp (chapter 06's cancel()),
// registry.cpp (the loop's list of tasks).
#pragma once

#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/parking.hpp"
#include "aio/runnable.hpp"

#include "aio/origin.hpp"
#include "aio/step_timer.hpp"

#include <concepts>
#include <coroutine>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace aio::detail {

class PromiseBase;

// [resume]
/// How an awaiter can take part in cancellation. By default the task's pending CancelledError is
/// thrown as the coroutine resumes, before the awaiter gives its result. An awaiter that may have
/// been handed something on the way (a lock, a permit, an item: chapter 08) defines
/// `bool give_back() noexcept`, called instead when a cancellation is pending: it passes on what
/// it was handed and returns true to throw now, or false to complete and leave the
/// cancellation for the next co_await.
template <class Awaiter>
concept GivesBack = requires(Awaiter& awaiter) {
  { awaiter.give_back() }
  noexcept->std::same_as<bool>;
};

/// What every `co_await` in a task becomes (see await_transform): the awaiter, and the one
/// place where a pending CancelledError is delivered, on the way back in. (`Awaiter` is a
/// reference type for an awaiter that must stay where it is.)
template <class Awaiter>
struct Resume {
  Awaiter awaiter; ///< The awaiter the compiler would have used.
  // (Always inlined: a few instructions around each co_await, which GCC would otherwise call.)
  [[gnu::always_inline]] bool await_ready() { return awaiter.await_ready(); } ///< As the awaiter's.
  /// As the awaiter's.
  template <class P>
  [[gnu::always_inline]] decltype(auto) await_suspend(std::coroutine_handle<P> awaiting) {
    return awaiter.await_suspend(awaiting);
  }
  /// CancelledError if the task has one to take; else the awaiter's result.
  [[gnu::always_inline]] decltype(auto) await_resume();
};
// [resume]

// [promise-base]
/// The part of every Task coroutine's promise that does not depend on T (see the file comment).
/// As a future (FutureBase) it holds the outcome and the waiters. As a task (a chapter 03 node)
/// it is what the loop queues to wake it: whatever the task waits on holds this one node, and
/// running it resumes the innermost coroutine the task is suspended in. A coroutine awaited
/// inline never becomes a task: it uses the future part, and `parent_` to return to its awaiter.
class PromiseBase : public Tracked, public FutureBase {
public:
  /// The promise of the coroutine `origin` (its name and source position).
  explicit PromiseBase(Origin origin) noexcept : FutureBase(nullptr), origin_(origin) {}

  /// Who runs when the loop runs this node: the coroutine the task is suspended in (for reports).
  Origin origin() const noexcept final { return waiting_ != nullptr ? waiting_->origin_ : origin_; }
  /// Its own name and position (origin() names the coroutine the task waits in).
  Origin coroutine() const noexcept { return origin_; }
  /// The task's name: the one given to create_task, or "Task-<n>".
  std::string name() const;
  /// Renames the task.
  void set_name(std::string name) { name_ = std::make_unique<std::string>(std::move(name)); }
  /// True once it has started, as a task or awaited inline.
  bool started() const noexcept { return started_; }
  /// True if it was started as a task.
  bool is_task() const noexcept { return number_ != 0; }
  /// The handle of this coroutine.
  virtual std::coroutine_handle<> handle() noexcept = 0;
  // [promise-base]

  /// The task whose step runs on this thread, or null outside a task.
  static PromiseBase* current() noexcept { return current_; }
  /// The task whose step runs on this thread; outside a task, throws std::logic_error saying
  /// "<what>: start it with aio::run or aio::create_task".
  static PromiseBase& running(const char* what);

  // [transfers]
  /// Makes it a task on `loop` and queues its first step there (see create_task).
  void start(EventLoop& loop, std::string name);
  /// Starts it inline: it runs now, and `parent` resumes when it has finished.
  std::coroutine_handle<> start_inline(PromiseBase& parent);
  /// The task of this thread, about to suspend in `innermost` (one of its coroutines). Outside
  /// a task, throws std::logic_error saying `what`.
  static PromiseBase& suspending(PromiseBase& innermost,
                                 const char* what = "only a coroutine running in a task can wait");
  /// Parks the suspending task on `parking`, which holds its node already (a future's waiters,
  /// the timer heap, a lock's queue) and will wake it when its wait is over.
  void park(Parking& parking) noexcept;
  /// What a Parking calls to end the wait: queues the task on its loop (a loop closed meanwhile
  /// will never run it: it is discarded, and reported).
  void wake() noexcept;
  /// Runs the task's next step: resumes the coroutine it is suspended in.
  void run() final;
  /// Reports call a task's step a "coroutine", and advise co_await aio::sleep.
  const StepTimer::Kind* kind() const noexcept final { return &step_kind; }
  /// See kind().
  static constexpr StepTimer::Kind step_kind{
      "coroutine", "use co_await aio::sleep(...) instead of std::this_thread::sleep_for, and never block the "
                   "loop's thread: long CPU work and blocking calls belong on another thread"};
  // [transfers]

  // [cancel]
  /// Asks the task to stop (Python: `task.cancel()`): aio::CancelledError is thrown at the
  /// co_await it is suspended in, or at its next one. What it is parked on decides how: a
  /// future or a task it awaits is cancelled in its place (a task passes the error on), a sleep
  /// ends at once, a lock's waiter leaves the queue. Returns false if it has finished, or if
  /// what it awaits refused. A coroutine that has not started never will: it ends cancelled.
  /// One awaited inline is part of its awaiter's task, which is the one cancelled.
  bool cancel() noexcept;
  /// How many cancel() calls are pending: made and not taken back by uncancel() (Python:
  /// `task.cancelling()`).
  int cancelling() const noexcept { return cancelling_; }
  /// Takes back one cancel() request, once the CancelledError it caused has been handled by
  /// whoever asked for it (aio::timeout, TaskGroup); returns how many are left. With none left,
  /// a cancellation not delivered yet is dropped too (Python: `task.uncancel()`).
  int uncancel() noexcept {
    if (cancelling_ > 0) --cancelling_;
    if (cancelling_ == 0) must_cancel_ = false;
    return cancelling_;
  }
  /// True if a cancellation waits to be delivered at the task's next co_await.
  bool must_cancel() const noexcept { return must_cancel_; }
  /// The same for the task of this thread.
  static bool cancellation_pending() noexcept { return current_ != nullptr && current_->must_cancel_; }
  /// Throws CancelledError if the task of this thread has a cancellation to deliver (Resume
  /// calls it; so may a coroutine that wants to stop at a point of its own choosing).
  static void deliver_cancellation() {
    if (cancellation_pending()) [[unlikely]] {
      current_->must_cancel_ = false;
      throw CancelledError();
    }
  }
  /// At `co_return`: a cancellation never delivered (asked for during the last step) makes the
  /// task end cancelled instead, as in asyncio; returns true if so. A task that was cancelled,
  /// caught the error and returns as if nothing happened is reported.
  bool cancelled_at_return() noexcept {
    if (must_cancel_) {
      must_cancel_ = false;
      finish(FutureState::cancelled);
      return true;
    }
    if (cancelling_ > 0 && is_task()) [[unlikely]]
      report_swallowed();
    return false;
  }
  // [cancel]

  // [await-transform]
  /// Every `co_await x` in a task's coroutine comes here first: it records the line of the
  /// co_await (a task dump, chapter 09, shows where each coroutine waits) and wraps the awaiter
  /// the compiler would have used in a Resume.
  template <class Awaitable>
  auto await_transform(Awaitable&& awaitable, unsigned line = __builtin_LINE()) {
    line_ = static_cast<std::uint16_t>(line < UINT16_MAX ? line : 0);
    if constexpr (requires { std::forward<Awaitable>(awaitable).operator co_await(); }) {
      using Awaiter = decltype(std::forward<Awaitable>(awaitable).operator co_await());
      return Resume<Awaiter>{std::forward<Awaitable>(awaitable).operator co_await()};
    } else if constexpr (!std::is_reference_v<Awaitable> && std::is_nothrow_move_constructible_v<Awaitable>) {
      return Resume<Awaitable>{std::move(awaitable)}; // a small temporary such as aio::sleep's
    } else { // by reference: GCC 12 moves an awaiter given back as an xvalue, and some cannot move
      return Resume<std::remove_reference_t<Awaitable>&>{awaitable};
    }
  }
  /// The line of its latest co_await (0 if none yet, or past line 65534).
  unsigned suspended_at() const noexcept { return line_; }
  // [await-transform]
  /// For a task: the coroutine it is suspended in, innermost (itself if it awaits nothing inline).
  const PromiseBase* innermost() const noexcept { return waiting_; }
  /// For a coroutine awaited inline: the one awaiting it (null for a task).
  const PromiseBase* awaiter() const noexcept { return parent_; }
  /// For a task: what it is parked on (null: running, or queued to run, or never started).
  const Parking* parked_on() const noexcept { return parked_on_; }

  // [lifetime]
  /// The Task object that owned it is gone (see Task's destructor).
  void drop_owner() noexcept;
  /// It will never run, and that has been reported already: no "never awaited" report for it.
  void dismiss() noexcept { started_ = true; }
  /// Keeps the frame alive for one more user (a coroutine awaiting this task, a done callback),
  /// until let_go().
  void hold();
  /// The user that called hold() is done with it.
  void let_go() noexcept {
    --holds_;
    release_if_unowned();
  }
  /// Stops claiming the task for the loop: it will never be woken. `why`, if not null, is
  /// reported as a task destroyed while pending.
  void abandon(const char* why) noexcept;
  /// It was queued on something that is going away (its loop closed, or the future it awaited
  /// was destroyed): it will never run. Reported with `why`, if not null.
  void discard(const char* why) noexcept final;
  /// Reports it as left pending when aio::run returned (it is then cancelled).
  void report_left_pending() const noexcept;
  // [lifetime]

protected:
  ~PromiseBase();
  /// Where control goes when the body has finished: back to the awaiting coroutine, or, for a
  /// task, back to the loop (its waiters were queued when it finished).
  std::coroutine_handle<> on_finished() noexcept;
  /// The body ended with `error`: CancelledError makes it cancelled, anything else failed.
  void fail(std::exception_ptr error) noexcept;

private:
  Parking::Cancelled cancel_parking() noexcept;
  bool begin() noexcept;
  void end_unbegun() noexcept;
  void release_if_unowned() noexcept;
  std::string describe() const;
  void report_swallowed() const noexcept;

  static inline thread_local PromiseBase* current_ = nullptr; // what runs on a thread, as its loop

  // The small ones first: they fit in FutureBase's tail padding, and a task that sleeps fits
  // in 208 bytes (ch04_bench: a million sleeping tasks).
  std::uint16_t holds_ = 0;     // coroutines awaiting this task, done callbacks: they read it later
  std::uint16_t line_ = 0;      // the line of its latest co_await (see await_transform)
  std::uint8_t cancelling_ = 0; // cancel() requests not taken back (counting stops at 255)
  bool started_ : 1 = false;
  bool owned_ : 1 = true;        // a Task object owns the frame
  bool claimed_ : 1 = false;     // a task the loop will still wake: it keeps its frame alive
  bool begun_ : 1 = false;       // a task whose first step has run
  bool must_cancel_ : 1 = false; // a CancelledError to throw at the next co_await
  bool in_cancel_ : 1 = false;   // cancel() is asking what it is parked on
  Origin origin_;
  PromiseBase* parent_ = nullptr;     // the awaiting coroutine, for one awaited inline
  PromiseBase* waiting_ = nullptr;    // for a task: the coroutine it is suspended in
  Parking* parked_on_ = nullptr;      // for a task: what will wake it (null: running, or queued)
  std::unique_ptr<std::string> name_; // only if one was given
  std::uint64_t number_ = 0;          // Task-<number>; 0 for a coroutine that is not a task
};

// Before a task's first step: false if it was cancelled before it could run (it ends so).
inline bool PromiseBase::begin() noexcept {
  begun_ = true;
  if (!must_cancel_) [[likely]]
    return true;
  end_unbegun();
  return false;
}

inline void PromiseBase::park(Parking& parking) noexcept {
  parked_on_ = &parking;
  if (must_cancel_) [[unlikely]] // cancelled while it ran: the wait it starts is cancelled instead
    if (cancel_parking() == Parking::Cancelled::passed_on) must_cancel_ = false;
}

// [resume-impl]
template <class Awaiter>
[[gnu::always_inline]] inline decltype(auto) Resume<Awaiter>::await_resume() {
  if (PromiseBase::cancellation_pending()) [[unlikely]] {
    if constexpr (GivesBack<std::remove_reference_t<Awaiter>>) {
      if (awaiter.give_back()) PromiseBase::deliver_cancellation();
    } else {
      PromiseBase::deliver_cancellation();
    }
  }
  return awaiter.await_resume();
}
// [resume-impl]

/// The promise of the coroutine that suspends: only a Task coroutine can wait on the loop.
template <class P>
PromiseBase& promise_of(std::coroutine_handle<P> awaiting) noexcept {
  static_assert(std::is_base_of_v<PromiseBase, P>, "only an aio::Task coroutine can co_await this");
  return awaiting.promise();
}

/// Holds a future's outcome for the awaiter: `Result` is a reference (the value stays) or a
/// value (moved out).
template <class Result, class Source>
Result take_value(Source& source) {
  if constexpr (std::is_void_v<Result>) {
    source.value();
  } else if constexpr (std::is_reference_v<Result>) {
    return source.value();
  } else {
    return std::move(source.value());
  }
}

/// What cancelling a task parked on `future` does (a future, a gather, a wait): the future is
/// cancelled (chapter 06, cancel.cpp).
Parking::Cancelled cancel_awaited(FutureBase& future) noexcept;
/// The same for a task that awaits the task `awaited`.
Parking::Cancelled cancel_awaited_task(PromiseBase& awaited, PromiseBase& task) noexcept;

// [future-awaiter]

template <class Fut, class Result>
class FutureAwaiter final : Parking {
public:
  /// Awaits `future`.
  explicit FutureAwaiter(Fut& future) noexcept : future_(future) {}
  /// A done future gives its outcome at once.
  bool await_ready() const noexcept { return future_.done(); }
  /// The task of this thread parks on the future: the future's waiters hold the task's node.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) {
    PromiseBase& task = PromiseBase::suspending(promise_of(awaiting));
    future_.add_waiter(task);
    task.park(*this);
  }
  /// The value, or the exception rethrown, or CancelledError.
  Result await_resume() { return take_value<Result>(future_); }
  // [future-awaiter]

private:
  Cancelled cancel(PromiseBase&) noexcept override { return cancel_awaited(future_); }
  void abandon(PromiseBase& task) noexcept override { future_.remove_waiter(task); }
  std::string describe() const override { return "waits on a future"; }

  Fut& future_;
};

} // namespace aio::detail
