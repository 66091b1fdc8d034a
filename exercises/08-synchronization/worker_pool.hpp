// Exercise 8.2: map_with_workers(), a fixed pool of workers fed by a Queue.
#pragma once

#include "aio/queue.hpp"
#include "aio/task.hpp"
#include "aio/task_group.hpp"
#include "aio/watch.hpp"

#include "aio/todo.hpp"

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

/// Runs `co_await fn(item)` for every item with `workers` tasks, each taking the next item from
/// one aio::Queue: at most `workers` calls at once, started in the order of `items`. Gives the
/// results in the order of `items`. The first failure stops everything: no further item is
/// started, the calls running are cancelled, and that failure is thrown once every worker has
/// stopped. Throws std::invalid_argument for 0 workers.
template <class T, class F>
aio::Task<std::vector<typename aio::detail::TaskValue<std::invoke_result_t<F&, T&>>::type>>
map_with_workers(std::vector<T> items, std::size_t workers, F fn) {
  (void)items;
  (void)workers;
  (void)fn;
  AIO_TODO("8.2");
  co_return {};
}
