// Exercise 5.2, a reference answer: first_successful(), the first task to succeed.
#pragma once

#include "aio/task.hpp"
#include "aio/wait.hpp"

#include <exception>
#include <optional>
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
  if (tasks.empty()) throw std::invalid_argument("first_successful needs at least one task");
  std::vector<std::exception_ptr> errors;
  std::vector<aio::Task<T>> pending = std::move(tasks);
  while (!pending.empty()) {
    aio::Waited<T> round = co_await aio::wait(std::move(pending), aio::FIRST_COMPLETED);
    pending = std::move(round.pending);
    std::optional<T> winner;
    for (aio::Task<T>& task : round.done) {
      if (task.cancelled()) {
        errors.push_back(std::make_exception_ptr(aio::CancelledError()));
      } else if (std::exception_ptr error = task.exception()) { // reading it: no failure goes unseen
        errors.push_back(error);
      } else if (!winner) {
        winner.emplace(std::move(task.result()));
      }
    }
    if (winner) co_return FirstSuccess<T>{std::move(*winner), std::move(pending)};
  }
  throw AllFailed(std::move(errors));
}
