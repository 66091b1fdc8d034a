// Exercise 6.3, a reference answer: first_completed(), the losers are cancelled and awaited.
#pragma once

#include "aio/task.hpp"
#include "aio/wait.hpp"

#include <stdexcept>
#include <vector>

/// Starts `tasks`, and once the first one has finished, cancels all the others and waits until
/// they have finished too (their cleanup done); then gives the winner's value, or throws its
/// exception. Nothing is left running, and every outcome is read. Several finishing in the same
/// instant: the first in the order given wins. Throws std::invalid_argument if there are none.
template <class T>
aio::Task<T> first_completed(std::vector<aio::Task<T>> tasks) {
  if (tasks.empty()) throw std::invalid_argument("first_completed needs at least one task");
  aio::Waited<T> first = co_await aio::wait(std::move(tasks), aio::FIRST_COMPLETED);
  for (aio::Task<T>& loser : first.pending) loser.cancel();
  aio::Waited<T> losers; // wait() refuses an empty vector, as asyncio.wait refuses an empty set
  if (!first.pending.empty()) losers = co_await aio::wait(std::move(first.pending));
  for (aio::Task<T>& loser : losers.done) // a loser that failed instead of stopping: read, and dropped
    if (!loser.cancelled()) loser.exception();
  for (std::size_t i = 1; i < first.done.size(); ++i) // finished with the winner: read, and dropped
    if (!first.done[i].cancelled()) first.done[i].exception();
  co_return co_await first.done.front(); // its value, or its exception
}
