// Exercise 11.1: a parallel map over a thread pool, with a bounded number of jobs in flight.
#pragma once

#include "aio/gather.hpp"
#include "aio/semaphore.hpp"
#include "aio/task.hpp"
#include "aio/thread_pool.hpp"

#include "aio/todo.hpp"

#include <cstddef>
#include <stdexcept>
#include <type_traits>
#include <vector>

/// `f(item)` for every item of `items`, each call on a thread of `pool`, with at most
/// `in_flight` calls submitted at any time (the others wait on the loop, not in the pool's
/// queue); the results in the order of `items`. The first exception a call throws is thrown
/// once every call has ended. Throws std::invalid_argument if `in_flight` is 0.
template <class T, class F>
aio::Task<std::vector<std::invoke_result_t<F&, const T&>>> parallel_map(aio::ThreadPool& pool, F f,
                                                                        std::vector<T> items, std::size_t in_flight) {
  using R = std::invoke_result_t<F&, const T&>;
  if (in_flight == 0) throw std::invalid_argument("parallel_map needs at least one job in flight");
  aio::Semaphore slots(static_cast<int>(in_flight));
  const auto one = [&](const T& item) -> aio::Task<R> {
    auto slot = co_await slots.scoped(); // a slot before the job goes to the pool
    co_return co_await aio::run_in_executor(pool, f, item);
  };
  std::vector<aio::Task<R>> calls;
  for (const T& item : items) calls.push_back(one(item));
  // gather_settled, not gather: a failure must not leave the other calls running unawaited.
  std::vector<aio::Outcome<R>> outcomes = co_await aio::gather_settled(std::move(calls));
  std::vector<R> results;
  for (aio::Outcome<R>& outcome : outcomes) results.push_back(std::move(outcome.value())); // the first failure
  co_return results;
}
