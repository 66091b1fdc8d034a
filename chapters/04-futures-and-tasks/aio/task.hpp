// Task<T>: a coroutine that is also a future (Python: a coroutine, and the asyncio.Task that
// create_task wraps around it).
//
// `Task<User> fetch_user(int id)` returns a Task that has not started. Two things can start it:
//   co_await fetch_user(1)               runs it here, inside the awaiting coroutine's task,
//                                        by symmetric transfer (Python: `await fetch_user(1)`);
//   aio::create_task(fetch_user(1))      hands it to the loop as a task of its own, which runs
//                                        concurrently with its creator (Python: create_task).
// A task *is* its coroutine frame: its promise (promise.hpp) holds the result, the queue of
// waiters, and the one node by which the loop wakes the task, whatever it waits for.
#pragma once

#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/parking.hpp"
#include "aio/promise.hpp"

#include "aio/origin.hpp"

#include <coroutine>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace aio {

template <class T>
class Task;
class TaskRef;

namespace detail {

template <class T>
class Promise;

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

  // [task-cancel]
  /// Asks it to stop: aio::CancelledError is thrown at the co_await it waits in (Python:
  /// `task.cancel()`); false if it has finished or what it awaits refused. See chapter 06.
  bool cancel() const noexcept { return promise_ != nullptr && promise_->cancel(); }
  /// True if it ended cancelled (Python: `task.cancelled()`).
  bool cancelled() const noexcept { return promise_ != nullptr && promise_->cancelled(); }
  /// How many cancel() requests are pending (Python: `task.cancelling()`).
  int cancelling() const { return promise().cancelling(); }
  /// Takes one cancel() request back; returns how many are left (Python: `task.uncancel()`).
  int uncancel() { return promise().uncancel(); }
  // [task-cancel]

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
  class Awaiter final : detail::Parking {
  public:
    explicit Awaiter(promise_type& task) noexcept : task_(task) {}
    bool await_ready() const noexcept { return task_.done(); }
    /// Not started: run it now, in place of the awaiting coroutine (symmetric transfer).
    /// A task: the awaiting task parks on it as on any future, and holds it meanwhile, so
    /// that its outcome is still there to read even if its owner drops it first.
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> awaiting) {
      detail::PromiseBase& parent = detail::promise_of(awaiting);
      if (!task_.started()) return task_.start_inline(parent);
      if (!task_.is_task()) throw std::logic_error("this coroutine is already being awaited by another one");
      detail::PromiseBase& waiting = detail::PromiseBase::suspending(parent);
      held_.emplace(task_); // before it registers: it may throw, and nothing must be registered then
      task_.add_waiter(waiting);
      waiting.park(*this);
      return std::noop_coroutine();
    }
    Result await_resume() { return detail::take_value<Result>(task_); }
    // [awaiter]

  private:
    Cancelled cancel(detail::PromiseBase& waiting) noexcept override {
      return detail::cancel_awaited_task(task_, waiting);
    }
    void abandon(detail::PromiseBase& waiting) noexcept override { task_.remove_waiter(waiting); }
    std::string describe() const override { return "awaits task '" + task_.name() + "'"; }
    detail::PromiseBase* awaited_task() const noexcept override { return &task_; }

    promise_type& task_;
    std::optional<detail::Held<promise_type>> held_; // let go when the awaiter goes
  };

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

} // namespace aio

#include "aio/registry.hpp" // current_task() and all_tasks(), declared with the list they read
