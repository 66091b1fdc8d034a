// What gather, wait and as_completed share: start the tasks they are given, and watch a set of
// them finish, waking whoever waits once enough of them have.
#pragma once

#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/task.hpp"

#include <cstddef>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace aio {

/// What a Task<T> gives, as a value that can sit in a tuple or a vector: T itself, or
/// std::monostate for a Task<void> (Python's None).
template <class T>
using Value = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

namespace detail {

/// The T of a Task<T>.
template <class>
struct TaskValue;
/// The T of a Task<T>.
template <class T>
struct TaskValue<Task<T>> {
  using type = T; ///< T
};

/// Makes `task` a task of the running loop if it has not started (as create_task would).
template <class T>
void ensure_task(Task<T>& task) {
  PromiseBase& promise = Access::promise(task);
  if (!promise.started()) promise.start(EventLoop::get_running_loop(), {});
}

/// The value of a finished task, moved out (std::monostate for void); rethrows its exception.
template <class T>
Value<T> take(Task<T>& task) {
  if constexpr (std::is_void_v<T>) {
    task.result();
    return {};
  } else {
    return std::move(task.result());
  }
}

/// When a Watch wakes its waiter.
enum class Until {
  all_done,        ///< every task has finished
  first_failure,   ///< every task has finished, or one failed (an exception, or cancelled): gather
  first_exception, ///< every task has finished, or one raised an exception (a cancellation is none): wait
  first_done,      ///< any task has finished
};

// [watch-class]
/// Counts the tasks of one gather or wait as they finish and wakes the waiter once `until`
/// holds. Each task's done callback holds the Watch (a shared_ptr): a task that finishes after
/// the waiter has gone still finds it.
///
/// For gather, what the waiter awaits is a CompositeFuture (Python: asyncio's gathering future):
/// cancelling the waiting task cancels the tasks still running, and once every one of them has
/// finished the cancellation is refused, so the result is not lost. For wait, it is an ordinary
/// future: the waiter gives up and the tasks run on.
class Watch {
public:
  /// Watches `count` tasks of `loop`; `read_failures`: take each failure as seen (gather reports
  /// the first and drops the others, as asyncio's does), or leave it for the caller (wait);
  /// `owns_tasks`: cancelling the waiter cancels the tasks (gather), or not (wait).
  Watch(EventLoop& loop, std::size_t count, Until until, bool read_failures, bool owns_tasks)
      : wake_(*this, loop, owns_tasks), remaining_(count), until_(until), read_failures_(read_failures),
        owns_tasks_(owns_tasks) {
    if (owns_tasks_) tasks_.reserve(count);
  }
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;

  /// The first failure seen, if read_failures (a CancelledError for a task that was cancelled).
  std::exception_ptr first_failure;

  /// Adds `task` to the watch, starting it first if it has not started (see ensure_task).
  template <class T>
  static void add(const std::shared_ptr<Watch>& watch, Task<T>& task) {
    ensure_task(task);
    if (watch->owns_tasks_) watch->tasks_.push_back(&Access::promise(task));
    task.add_done_callback([watch](PromiseBase& done) { watch->finished(done); });
  }

  /// `co_await watch->woken()`: suspends until `until` holds (or stop() is called).
  auto woken() noexcept { return FutureAwaiter<Wake, void>(wake_); }
  /// Wakes the waiter now, whether or not `until` holds (wait()'s timeout).
  void stop() {
    if (!wake_.done()) wake_.set_value();
  }

  /// True if cancelling the waiter was passed on to the tasks (Python: the gathering future's
  /// `_cancel_requested`): the wait then ends in CancelledError, even if they all gave values.
  bool cancel_requested() const noexcept { return cancel_requested_; }

  /// True once `until` holds (false while tasks remain, for all_done).
  bool satisfied() const noexcept {
    switch (until_) {
    case Until::all_done: return remaining_ == 0;
    case Until::first_failure: return remaining_ == 0 || failed_;
    case Until::first_exception: return remaining_ == 0 || raised_;
    case Until::first_done: return done_any_;
    }
    return false;
  }

private:
  class Wake final : public WithValue<void, CompositeFuture> {
  public:
    Wake(Watch& watch, EventLoop& loop, bool composite) noexcept
        : WithValue<void, CompositeFuture>(loop, composite), watch_(watch) {}

  private:
    bool cancel_parts() noexcept override {
      bool taken = false;
      for (PromiseBase* task : watch_.tasks_) taken = task->cancel() || taken; // the finished ones say no
      watch_.cancel_requested_ = watch_.cancel_requested_ || taken;
      return taken;
    }
    Watch& watch_;
  };

  void finished(PromiseBase& task) {
    --remaining_;
    done_any_ = true;
    raised_ = raised_ || task.failed();
    const bool failed = task.cancelled() || task.failed();
    if (failed) {
      failed_ = true;
      if (read_failures_) {
        std::exception_ptr error = task.cancelled() ? std::make_exception_ptr(CancelledError()) : task.exception();
        if (!first_failure) first_failure = std::move(error);
      }
    }
    if (satisfied()) stop();
  }

  Wake wake_;
  std::vector<PromiseBase*> tasks_; // for cancelling them, if owns_tasks
  std::size_t remaining_;
  Until until_;
  bool read_failures_;
  bool owns_tasks_;
  bool failed_ = false; // one was cancelled or raised
  bool raised_ = false; // one raised
  bool done_any_ = false;
  bool cancel_requested_ = false;
};
// [watch-class]

} // namespace detail
} // namespace aio
