// Task<T>: a coroutine that is also a future (Python: a coroutine, and the asyncio.Task that
// create_task wraps around it).
//
// `Task<User> fetch_user(int id)` returns a Task that has not started. Two things can start it:
//   co_await fetch_user(1)               runs it here, inside the awaiting coroutine's task,
//                                        by symmetric transfer (Python: `await fetch_user(1)`);
//   aio::create_task(fetch_user(1))      hands it to the loop as a task of its own, which runs
//                                        concurrently with its creator (Python: create_task).
// A task *is* its coroutine frame: the promise holds the result, the queue of waiters, and the
// one node by which the loop wakes the task, whatever it waits for. Suspending and resuming a
// task allocates nothing.
#pragma once

#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/runnable.hpp"

#include "aio/origin.hpp"
#include "aio/step_timer.hpp"

#include <coroutine>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace aio {

template <class T>
class Task;
class TaskRef;

namespace detail {

template <class T>
class Promise;
class PromiseBase;

/// How the runtime's own functions (create_task, run_until_complete, chapter 09's task dump)
/// reach a task's promise.
struct Access {
  /// The promise of `task`; throws if it is empty.
  template <class T>
  static Promise<T>& promise(const Task<T>& task) {
    return task.promise();
  }
  /// The promise of the task `ref` refers to.
  static PromiseBase& promise(const TaskRef& ref) noexcept;
};

/// While a loop closes: the reason its discarded tasks are reported with (none if null).
struct Closing {
  bool active;     ///< A loop is closing.
  const char* why; ///< What its reports say, or null for none.
};

// [promise-base]
/// An awaiter seen through a reference: what await_transform gives the compiler for one.
template <class Awaiter>
struct AwaiterRef {
  Awaiter& awaiter; ///< Lives in the co_await's full-expression, across the suspension.
  bool await_ready() { return awaiter.await_ready(); } ///< As the awaiter's.
  /// As the awaiter's.
  template <class P>
  decltype(auto) await_suspend(std::coroutine_handle<P> awaiting) {
    return awaiter.await_suspend(awaiting);
  }
  decltype(auto) await_resume() { return awaiter.await_resume(); } ///< As the awaiter's.
};

/// The part of every Task coroutine's promise that does not depend on T.
///
/// As a future (FutureBase) it holds the outcome and the waiters. As a task (TimerNode) it is
/// the node the loop queues to wake it: whatever a task waits for (a timer, a future, another
/// task), the thing it waits for holds this one node, and running it resumes the innermost
/// coroutine the task is suspended in. A coroutine awaited inline never becomes a task; it
/// only uses the future part, and `parent_` to return to its awaiter.
class PromiseBase : public TimerNode, public FutureBase {
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

  /// The task whose step runs on this thread, or null outside a task.
  static PromiseBase* current() noexcept { return current_; }
  /// The task whose step runs on this thread; outside a task, throws std::logic_error saying
  /// "<what>: start it with aio::run or aio::create_task".
  static PromiseBase& running(const char* what);

  /// Makes it a task on `loop` and queues its first step there (see create_task).
  void start(EventLoop& loop, std::string name);
  /// Starts it inline: it runs now, and `parent` resumes when it has finished.
  std::coroutine_handle<> start_inline(PromiseBase& parent);
  /// Suspends the task of this thread at `innermost` (one of its coroutines) until `future` is
  /// done (`future_is_task`: it is another task's promise); with no future, the caller queues
  /// the task on the loop itself. Returns the task.
  static PromiseBase& suspend(PromiseBase& innermost, FutureBase* future = nullptr, bool future_is_task = false);

  // [cancel]
  /// Asks the task to stop (Python: `task.cancel()`): aio::CancelledError is thrown at the
  /// co_await it is suspended in, or at its next one. What it awaits is cancelled with it: a
  /// future, or a task (which passes the error on); a sleep ends at once. Returns false if it
  /// has finished. A coroutine that has not started never will: it ends cancelled. One awaited
  /// inline is part of its awaiter's task, which is the one cancelled.
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
  /// For awaiters, when the coroutine resumes: throws CancelledError if the task that runs it
  /// has a cancellation to deliver.
  static void deliver_cancellation() {
    if (current_ != nullptr && current_->must_cancel_) [[unlikely]] {
      current_->must_cancel_ = false;
      throw CancelledError();
    }
  }
  /// True if a cancellation waits to be delivered at the task's next co_await.
  bool must_cancel() const noexcept { return must_cancel_; }
  /// The same for the task of this thread: an awaiter that was handed something while its task
  /// was being cancelled (a lock, an item) asks this first, to give it back before the error.
  static bool cancellation_pending() noexcept { return current_ != nullptr && current_->must_cancel_; }
  /// At `co_return`: a cancellation never delivered (asked for during the last step) makes the
  /// task end cancelled instead, as in asyncio. Returns true if so.
  bool cancelled_at_return() noexcept {
    if (!must_cancel_) return false;
    must_cancel_ = false;
    finish(FutureState::cancelled);
    return true;
  }
  // [cancel]

  // [await-transform]
  /// Every `co_await x` in a task's coroutine comes here first: it records the line of the
  /// co_await (a task dump, chapter 09, shows where each coroutine waits) and gives back the
  /// awaiter the compiler would have used.
  template <class Awaitable>
  decltype(auto) await_transform(Awaitable&& awaitable, unsigned line = __builtin_LINE()) {
    line_ = static_cast<std::uint16_t>(line < UINT16_MAX ? line : 0);
    if constexpr (requires { std::forward<Awaitable>(awaitable).operator co_await(); }) {
      return std::forward<Awaitable>(awaitable).operator co_await();
    } else if constexpr (!std::is_reference_v<Awaitable> && std::is_nothrow_move_constructible_v<Awaitable>) {
      return Awaitable(std::move(awaitable)); // a small temporary such as aio::sleep's
    } else { // by reference: GCC 12 moves an awaiter given back as an xvalue, and some cannot move
      return AwaiterRef<std::remove_reference_t<Awaitable>>{awaitable};
    }
  }
  /// The line of its latest co_await (0 if none yet, or past line 65534).
  unsigned suspended_at() const noexcept { return line_; }
  // [await-transform]
  /// For a task: the coroutine it is suspended in, innermost (itself if it awaits nothing inline).
  const PromiseBase* innermost() const noexcept { return waiting_; }
  /// For a coroutine awaited inline: the one awaiting it (null for a task).
  const PromiseBase* awaiter() const noexcept { return parent_; }
  /// For a task: the future or task it waits for, if any (null: asleep, or ready to run).
  const FutureBase* awaiting() const noexcept { return waiting_for_; }
  /// For a task: the task it waits for, if awaiting() is one.
  PromiseBase* awaited_task() const noexcept {
    return waiting_for_ != nullptr && waiting_on_task_ ? static_cast<PromiseBase*>(waiting_for_) : nullptr;
  }

  /// The handle of this coroutine.
  virtual std::coroutine_handle<> handle() noexcept = 0;
  /// The Task object that owned it is gone (see Task's destructor).
  void drop_owner() noexcept;
  /// It will never run, and that has been reported already: no "never awaited" report for it.
  void dismiss() noexcept { started_ = true; }
  /// Keeps the frame alive for one more user (a coroutine awaiting this task, a done callback),
  /// until let_go().
  void hold() {
    if (holds_ == UINT16_MAX) throw std::length_error("more than 65535 coroutines await one task at once");
    ++holds_;
  }
  /// The user that called hold() is done with it.
  void let_go() noexcept {
    --holds_;
    release_if_unowned();
  }
  /// Stops claiming the task for the loop: it will never be woken (its loop closed, or the
  /// future it waited for was destroyed, or aio::run ended without it). `why`, if given, is
  /// reported as a task destroyed while pending.
  void abandon(const char* why) noexcept;

  /// Runs the task's next step: resumes the coroutine it is suspended in.
  void run() final;
  /// Reports call a task's step a "coroutine", and advise co_await aio::sleep.
  const StepTimer::Kind* kind() const noexcept final { return &step_kind; }
  /// See kind().
  static constexpr StepTimer::Kind step_kind{
      "coroutine", "use co_await aio::sleep(...) instead of std::this_thread::sleep_for, and never block the "
                   "loop's thread: long CPU work and blocking calls belong on another thread"};
  /// It was queued on something that is going away (its loop closed, or the future it awaited
  /// was destroyed): it will never run.
  void discard() noexcept final;
  /// Calls `close()`, during which a discarded task is reported with `why` (none if null).
  template <class F>
  static void closing(const char* why, F close) {
    const Closing outer = std::exchange(closing_, Closing{true, why});
    close();
    closing_ = outer;
  }

  /// The pending tasks of this thread, newest first: a list linked through the promises.
  static PromiseBase* first_pending() noexcept { return pending_head_; }
  /// The next one in that list.
  PromiseBase* next_pending() const noexcept { return next_task_; }

protected:
  ~PromiseBase();
  /// Where control goes when the body has finished: back to the awaiting coroutine, or, for a
  /// task, back to the loop (its waiters were queued when it finished).
  std::coroutine_handle<> on_finished() noexcept;
  /// The body ended with `error`: CancelledError makes it cancelled, anything else failed.
  void fail(std::exception_ptr error) noexcept;

private:
  void link() noexcept;
  void unlink() noexcept;
  /// Frees the frame once nobody owns the task and the loop no longer claims it.
  void release_if_unowned() noexcept;
  std::string describe() const;
  void report_swallowed() const noexcept;

public:
  /// Reports it as left pending when aio::run returned (it is then cancelled).
  void report_left_pending() const noexcept;

private:
  static inline thread_local PromiseBase* current_ = nullptr;
  static inline thread_local PromiseBase* pending_head_ = nullptr;
  static inline thread_local std::uint64_t tasks_created_ = 0;
  static inline thread_local Closing closing_{false, nullptr};

  // The small ones first: they fit in FutureBase's tail padding, and a task that sleeps fits
  // in 208 bytes (ch04_bench: a million sleeping tasks).
  std::uint16_t holds_ = 0;     // coroutines awaiting this task, done callbacks: they read it later
  std::uint16_t line_ = 0;      // the line of its latest co_await (see await_transform)
  std::uint8_t cancelling_ = 0; // cancel() requests not taken back (counting stops at 255)
  bool started_ : 1 = false;
  bool owned_ : 1 = true;            // a Task object owns the frame
  bool claimed_ : 1 = false;         // a task the loop will still wake: it keeps its frame alive
  bool begun_ : 1 = false;           // a task whose first step has run
  bool must_cancel_ : 1 = false;     // a CancelledError to throw at the next co_await
  bool waiting_on_task_ : 1 = false; // waiting_for_ is a task's promise
  bool in_cancel_ : 1 = false;       // cancel() is passing itself on to what the task awaits
  Origin origin_;
  PromiseBase* parent_ = nullptr;     // the awaiting coroutine, for one awaited inline
  PromiseBase* waiting_ = nullptr;    // for a task: the coroutine it is suspended in
  FutureBase* waiting_for_ = nullptr; // for a task: the future whose waiters hold its node
  PromiseBase* prev_task_ = nullptr;  // the list of pending tasks
  PromiseBase* next_task_ = nullptr;
  std::unique_ptr<std::string> name_; // only if one was given
  std::uint64_t number_ = 0;          // Task-<number>; 0 for a coroutine that is not a task
};
// [promise-base]

/// How a coroutine's body hands over its value: `co_return value;`.
template <class T, class Base>
class Returns : public Base {
public:
  using Base::Base;
  /// `co_return value;`
  template <class U = T>
  void return_value(U&& value) {
    if (!this->cancelled_at_return()) this->set_value(std::forward<U>(value));
  }
};

/// `co_return;`, or the end of the body, for a coroutine without a value.
template <class Base>
class Returns<void, Base> : public Base {
public:
  using Base::Base;
  /// `co_return;`
  void return_void() {
    if (!this->cancelled_at_return()) this->set_value();
  }
};

/// The promise of a `Task<T>`: PromiseBase plus the value.
template <class T>
class Promise final : public Returns<T, WithValue<T, PromiseBase>> {
public:
  /// Records the coroutine's name and position: `Origin::here()` is evaluated inside it.
  explicit Promise(Origin origin = Origin::here()) noexcept : Returns<T, WithValue<T, PromiseBase>>(origin) {}

  /// The Task the caller receives; it owns the frame.
  Task<T> get_return_object() noexcept;
  /// Lazy: nothing runs until it is awaited or made a task.
  std::suspend_always initial_suspend() const noexcept { return {}; }
  /// At the end of the body: back to the awaiter, or to the loop.
  auto final_suspend() noexcept {
    struct Finish {
      bool await_ready() const noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) const noexcept {
        return self.promise().on_finished();
      }
      void await_resume() const noexcept {}
    };
    return Finish{};
  }
  /// An exception escaped the body: it is the task's outcome (CancelledError: it is cancelled).
  void unhandled_exception() noexcept { this->fail(std::current_exception()); }

  std::coroutine_handle<> handle() noexcept override { return std::coroutine_handle<Promise>::from_promise(*this); }
};

/// The suspending part of every awaiter of the runtime: only a Task coroutine can wait on the loop.
template <class P>
PromiseBase& promise_of(std::coroutine_handle<P> awaiting) noexcept {
  static_assert(std::is_base_of_v<PromiseBase, P>, "only an aio::Task coroutine can co_await this");
  return awaiting.promise();
}

/// Gives the awaiter the outcome of `source`: `Result` is a reference (the value stays) or a
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

/// Keeps a task's frame alive while it exists (see PromiseBase::hold()).
template <class P>
class Held {
public:
  explicit Held(P& task) : task_(&task) { task.hold(); }                      ///< Holds `task`.
  Held(Held&& other) noexcept : task_(std::exchange(other.task_, nullptr)) {} ///< Takes over the hold.
  Held& operator=(Held&&) = delete;
  ~Held() {
    if (task_ != nullptr) task_->let_go();
  }
  P& operator*() const noexcept { return *task_; } ///< The task held.

private:
  P* task_;
};

// [future-awaiter]
template <class Fut, class Result>
class FutureAwaiter {
public:
  /// Awaits `future`.
  explicit FutureAwaiter(Fut& future) noexcept : future_(future) {}
  /// A done future gives its outcome at once.
  bool await_ready() const noexcept { return future_.done(); }
  /// The task of this thread waits on the future: the future holds the task's node.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) {
    PromiseBase::suspend(promise_of(awaiting), &future_);
  }
  /// The value, or the exception rethrown, or CancelledError.
  Result await_resume() {
    PromiseBase::deliver_cancellation();
    return take_value<Result>(future_);
  }

private:
  Fut& future_;
};
// [future-awaiter]

} // namespace detail

/// A task seen from outside, without owning it: what current_task() and all_tasks() return.
class TaskRef {
public:
  /// Refers to the task whose promise is `task`.
  explicit TaskRef(detail::PromiseBase& task) noexcept : task_(&task) {}
  /// Its name.
  std::string name() const { return task_->name(); }
  /// The coroutine it runs: name and position.
  Origin coroutine() const noexcept { return task_->coroutine(); }
  /// True once it has finished.
  bool done() const noexcept { return task_->done(); }
  /// Asks it to stop (see Task::cancel()).
  bool cancel() const noexcept { return task_->cancel(); }
  /// How many cancel() requests are pending (see Task::cancelling()).
  int cancelling() const noexcept { return task_->cancelling(); }
  /// Takes one back (see Task::uncancel()).
  int uncancel() const noexcept { return task_->uncancel(); }
  /// The same task?
  friend bool operator==(const TaskRef&, const TaskRef&) = default;

private:
  friend detail::Access;
  detail::PromiseBase* task_;
};

inline detail::PromiseBase& detail::Access::promise(const TaskRef& ref) noexcept { return *ref.task_; }

// [task]
/// A coroutine producing a T: `aio::Task<User> fetch_user(int id) { ...; co_return user; }`.
///
/// Lazy until `co_await`-ed (then it runs inside the awaiting task) or given to create_task
/// (then it is a task of its own, which the loop runs). Either way it is a future: done(),
/// result(), exception(), and `co_await` for its outcome. `[[nodiscard]]`, move-only, not
/// convertible to bool. Dropping the Task of a running task detaches it: the loop keeps it
/// until it finishes.
template <class T = void>
class [[nodiscard]] Task {
public:
  using promise_type = detail::Promise<T>; ///< What the compiler builds the coroutine's frame around.

  /// An empty task, to assign one to later.
  Task() noexcept = default;
  Task(Task&& other) noexcept : promise_(std::exchange(other.promise_, nullptr)) {} ///< Takes it over.
  /// Drops the task this one holds, then takes over `other`'s.
  Task& operator=(Task&& other) noexcept {
    Task(std::move(other)).swap(*this);
    return *this;
  }
  ~Task() {
    if (promise_ != nullptr) promise_->drop_owner();
  }
  /// Lets the task run on without this handle (its result and exception go unread). Only
  /// needed to say so: create_task's result is [[nodiscard]].
  void detach() noexcept { Task dropped(std::move(*this)); }
  /// Swaps two tasks.
  void swap(Task& other) noexcept { std::swap(promise_, other.promise_); }

  /// True once it has finished (Python: `task.done()`).
  bool done() const noexcept { return promise_ != nullptr && promise_->done(); }
  /// Asks it to stop: aio::CancelledError is thrown at the co_await it waits in (Python:
  /// `task.cancel()`); false if it has finished. See chapter 06.
  bool cancel() const noexcept { return promise_ != nullptr && promise_->cancel(); }
  /// True if it ended cancelled (Python: `task.cancelled()`).
  bool cancelled() const noexcept { return promise_ != nullptr && promise_->cancelled(); }
  /// How many cancel() requests are pending (Python: `task.cancelling()`).
  int cancelling() const { return promise().cancelling(); }
  /// Takes one cancel() request back; returns how many are left (Python: `task.uncancel()`).
  int uncancel() { return promise().uncancel(); }
  /// Its value; rethrows its exception. Throws InvalidStateError while it runs.
  decltype(auto) result() { return promise().value(); }
  /// The exception it finished with, or null; throws InvalidStateError while it runs.
  std::exception_ptr exception() { return promise().exception(); }
  /// Its name, "Task-<n>" unless it was given one (Python: `task.get_name()`).
  std::string name() const { return promise().name(); }
  /// Renames it (Python: `task.set_name()`).
  void set_name(std::string name) { promise().set_name(std::move(name)); }
  /// The coroutine's name and where it is defined.
  Origin coroutine() const { return promise().coroutine(); }
  /// A non-owning reference, to compare with current_task() and all_tasks().
  TaskRef ref() const { return TaskRef(promise()); }
  /// Calls `fn(task)` on the loop once it has finished (at once if it has).
  template <class F>
  void add_done_callback(F fn, Origin where = Origin::here());

  /// `co_await task`: starts it here if it has not started, otherwise waits for it to finish;
  /// then gives a reference to its value, or rethrows its exception.
  auto operator co_await() & { return Awaiter<decltype(promise().value())>(promise()); }
  /// `co_await fetch_user(1)`: the same, and the value is moved out.
  auto operator co_await() && { return Awaiter<T>(promise()); }
  // [task]

private:
  friend promise_type;
  friend detail::Access;

  explicit Task(promise_type& promise) noexcept : promise_(&promise) {}
  promise_type& promise() const {
    if (promise_ == nullptr) throw std::logic_error("this Task is empty (moved from, or default-constructed)");
    return *promise_;
  }

  // [awaiter]
  template <class Result>
  class Awaiter {
  public:
    explicit Awaiter(promise_type& task) noexcept : task_(task) {}
    bool await_ready() const noexcept { return task_.done(); }
    /// Not started: run it now, in place of the awaiting coroutine (symmetric transfer).
    /// A task: the awaiting task waits for it as for any future, and holds it meanwhile, so
    /// that its outcome is still there to read even if its owner drops it first.
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> awaiting) {
      detail::PromiseBase& parent = detail::promise_of(awaiting);
      if (!task_.started()) return task_.start_inline(parent);
      if (!task_.is_task()) throw std::logic_error("this coroutine is already being awaited by another one");
      held_.emplace(task_); // first: it may throw, and nothing must be registered then
      detail::PromiseBase::suspend(parent, &task_, true);
      return std::noop_coroutine();
    }
    Result await_resume() {
      detail::PromiseBase::deliver_cancellation();
      return detail::take_value<Result>(task_);
    }

  private:
    promise_type& task_;
    std::optional<detail::Held<promise_type>> held_; // let go when the awaiter goes
  };
  // [awaiter]

  promise_type* promise_ = nullptr;
};

template <class T>
Task<T> detail::Promise<T>::get_return_object() noexcept {
  return Task<T>(*this);
}

template <class T>
template <class F>
void Task<T>::add_done_callback(F fn, Origin where) {
  static_assert(std::is_invocable_v<F&, promise_type&>,
                "a task's done callback takes its outcome: [](auto& task) { task.value(); }");
  promise_type& task = promise();
  if (!task.started()) throw std::logic_error("add_done_callback() needs a task: start it with aio::create_task first");
  // The callback holds the task: its frame stays until the callback has run (or been dropped),
  // even if every Task object is gone by then.
  auto call = [fn = std::move(fn), task = detail::Held<promise_type>(task)]() mutable { fn(*task); };
  task.add_waiter(*new detail::DoneCallback<decltype(call)>(std::move(call), where));
}

// [create-task]
/// Makes `coroutine` a task on the running loop and queues its first step (Python:
/// `asyncio.create_task`). It runs once the current step gives the loop back, concurrently
/// with its creator. Returns it, to await or inspect; dropping it detaches the task.
template <class T>
Task<T> create_task(Task<T> coroutine, std::string name = {}) {
  detail::Access::promise(coroutine).start(EventLoop::get_running_loop(), std::move(name));
  return coroutine;
}
// [create-task]

/// The task whose step is running, or none outside a task (Python: `asyncio.current_task()`).
std::optional<TaskRef> current_task() noexcept;
/// The running loop's tasks that have not finished, oldest first (Python: `asyncio.all_tasks()`).
std::vector<TaskRef> all_tasks();

} // namespace aio
