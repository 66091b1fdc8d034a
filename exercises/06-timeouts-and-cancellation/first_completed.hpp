// Exercise 6.3: first_completed(), the first to finish wins and the losers are cancelled.
#pragma once

#include "aio/task.hpp"
#include "aio/wait.hpp"

#include "aio/todo.hpp"

#include <stdexcept>
#include <vector>

/// Starts `tasks`, and once the first one has finished, cancels all the others and waits until
/// they have finished too (their cleanup done); then gives the winner's value, or throws its
/// exception. Nothing is left running, and every outcome is read. Several finishing in the same
/// instant: the first in the order given wins. Throws std::invalid_argument if there are none.
template <class T>
aio::Task<T> first_completed(std::vector<aio::Task<T>> tasks) {
  (void)tasks;
  AIO_TODO("6.3");
  co_return co_await std::move(tasks.front());
}
