// Exercise 4.3: Background, the owner of fire-and-forget tasks, so none is lost or ignored.
#pragma once

#include "aio/task.hpp"

#include "aio/todo.hpp"

#include <cstddef>
#include <exception>
#include <vector>

/// Keeps the tasks a program starts "in the background" (Python's advice: keep a reference to
/// every task you create, in a set, and discard it when done). A task stays in the set while it
/// runs and leaves it as soon as it finishes; the exception of a task that failed is kept in
/// errors(), so that none goes unread; join() waits until the set is empty, including tasks
/// spawned while it waits.
class Background {
public:
  /// Starts `coroutine` as a task and keeps it until it finishes.
  void spawn(aio::Task<> coroutine) {
    (void)coroutine;
    AIO_TODO("4.3");
  }
  /// How many spawned tasks have not finished.
  std::size_t size() const {
    AIO_TODO("4.3");
    return 0;
  }
  /// Waits until every spawned task has finished, those spawned meanwhile too.
  aio::Task<> join() {
    AIO_TODO("4.3");
    co_return;
  }
  /// The exceptions of the tasks that failed, in the order they failed.
  const std::vector<std::exception_ptr>& errors() const { return errors_; }

private:
  std::vector<std::exception_ptr> errors_;
};
