// Exercise 5.1: gather_limited(), gather with at most `limit` coroutines running at once.
#pragma once

#include "aio/gather.hpp"
#include "aio/task.hpp"

#include "aio/todo.hpp"

#include <cstddef>
#include <vector>

/// Runs `coroutines` with at most `limit` of them running at any time, starting the next one as
/// soon as one finishes, and gives every one's Outcome in the order given (as gather_settled
/// does: a failure is an outcome, and does not stop the others). Throws std::invalid_argument if
/// `limit` is 0.
template <class T>
aio::Task<std::vector<aio::Outcome<T>>> gather_limited(std::vector<aio::Task<T>> coroutines, std::size_t limit) {
  (void)coroutines;
  (void)limit;
  AIO_TODO("5.1");
  co_return {};
}
