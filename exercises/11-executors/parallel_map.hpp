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
  (void)pool;
  (void)f;
  (void)items;
  (void)in_flight;
  AIO_TODO("11.1");
  co_return {};
}
