// Exercise 6.2: shutdown(), stop every worker and wait for its cleanup.
#pragma once

#include "aio/task.hpp"
#include "aio/wait.hpp"

#include "aio/todo.hpp"

#include <exception>
#include <vector>

/// Cancels every worker and waits until each one has finished, its cleanup included (cleanup
/// may itself await: flushing a buffer, saying goodbye to a server). Gives the exceptions the
/// workers ended with, other than CancelledError, in the order of `workers`: a worker whose
/// cleanup failed, or one that had failed already. Every outcome is read.
inline aio::Task<std::vector<std::exception_ptr>> shutdown(std::vector<aio::Task<>> workers) {
  (void)workers;
  AIO_TODO("6.2");
  co_return {};
}
