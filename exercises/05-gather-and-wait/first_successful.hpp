// Exercise 5.2: first_successful(), the value of whichever task succeeds first.
#pragma once

#include "aio/task.hpp"
#include "aio/wait.hpp"

#include "aio/todo.hpp"

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

/// Thrown by first_successful when every task failed: each one's exception, in the order they
/// failed.
class AllFailed : public std::runtime_error {
public:
  explicit AllFailed(std::vector<std::exception_ptr> errors)
      : std::runtime_error("all " + std::to_string(errors.size()) + " tasks failed"), errors_(std::move(errors)) {}
  /// Each task's exception (a CancelledError for one that was cancelled), in the order they failed.
  const std::vector<std::exception_ptr>& errors() const noexcept { return errors_; }

private:
  std::vector<std::exception_ptr> errors_;
};

/// What first_successful gives: the winner's value, and the tasks still running, in the order
/// given, for the caller to await, drop or (chapter 06) cancel.
template <class T>
struct FirstSuccess {
  T value;                          ///< the value of the first task to succeed
  std::vector<aio::Task<T>> others; ///< the tasks that had not finished by then
};

/// Starts `tasks` and gives the value of the first one to succeed (two in the same instant: the
/// first in the order given), with the tasks still running. The failures before it are read
/// and dropped. If every task fails, throws AllFailed with their exceptions. Throws
/// std::invalid_argument if there are no tasks.
template <class T>
aio::Task<FirstSuccess<T>> first_successful(std::vector<aio::Task<T>> tasks) {
  (void)tasks;
  AIO_TODO("5.2");
  co_return FirstSuccess<T>{T{}, {}};
}
