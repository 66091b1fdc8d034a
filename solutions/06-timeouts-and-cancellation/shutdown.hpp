// Exercise 6.2, a reference answer: shutdown(), stop every worker and wait for its cleanup.
#pragma once

#include "aio/task.hpp"
#include "aio/wait.hpp"

#include <exception>
#include <vector>

/// Cancels every worker and waits until each one has finished, its cleanup included (cleanup
/// may itself await: flushing a buffer, saying goodbye to a server). Gives the exceptions the
/// workers ended with, other than CancelledError, in the order of `workers`: a worker whose
/// cleanup failed, or one that had failed already. Every outcome is read.
inline aio::Task<std::vector<std::exception_ptr>> shutdown(std::vector<aio::Task<>> workers) {
  if (workers.empty()) co_return {};                                // wait() refuses an empty vector
  for (aio::Task<>& worker : workers) worker.cancel();              // those done already say no
  aio::Waited<void> ended = co_await aio::wait(std::move(workers)); // all of them, cleanup included
  std::vector<std::exception_ptr> errors;
  for (aio::Task<>& worker : ended.done)
    if (!worker.cancelled())
      if (std::exception_ptr error = worker.exception()) errors.push_back(error);
  co_return errors;
}
