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
  all_done,      ///< every task has finished
  first_failure, ///< every task has finished, or one failed (an exception, or cancelled)
  first_done,    ///< any task has finished
};

// [watch-class]
/// Counts the tasks of one gather or wait as they finish and wakes the waiter, through the
/// `wake` future, once `until` holds. Each task's done callback holds the Watch (a shared_ptr):
/// a task that finishes after the waiter has gone still finds it.
class Watch {
public:
  /// Watches `count` tasks of `loop`; `read_failures`: take each failure as seen (gather reports
  /// the first and drops the others, as asyncio's does), or leave it for the caller (wait).
  Watch(EventLoop& loop, std::size_t count, Until until, bool read_failures)
      : wake(loop), remaining_(count), until_(until), read_failures_(read_failures) {}

  /// Set once `until` holds; what the waiter awaits.
  Future<> wake;
  /// The first failure seen, if read_failures (a CancelledError for a task that was cancelled).
  std::exception_ptr first_failure;

  /// Adds `task` to the watch, starting it first if it has not started (see ensure_task).
  template <class T>
  static void add(const std::shared_ptr<Watch>& watch, Task<T>& task) {
    ensure_task(task);
    task.add_done_callback([watch](PromiseBase& done) { watch->finished(done); });
  }

  /// True once `until` holds (false while tasks remain, for all_done).
  bool satisfied() const noexcept {
    switch (until_) {
    case Until::all_done: return remaining_ == 0;
    case Until::first_failure: return remaining_ == 0 || failed_;
    case Until::first_done: return done_any_;
    }
    return false;
  }

private:
  void finished(PromiseBase& task) {
    --remaining_;
    done_any_ = true;
    const bool failed = task.cancelled() || task.failed();
    if (failed) {
      failed_ = true;
      if (read_failures_) {
        std::exception_ptr error = task.cancelled() ? std::make_exception_ptr(CancelledError()) : task.exception();
        if (!first_failure) first_failure = std::move(error);
      }
    }
    if (!wake.done() && satisfied()) wake.set_result();
  }

  std::size_t remaining_;
  Until until_;
  bool read_failures_;
  bool failed_ = false;
  bool done_any_ = false;
};
// [watch-class]

} // namespace detail
} // namespace aio
