// Exercise 8.2, a reference answer: map_with_workers().
#pragma once

#include "aio/queue.hpp"
#include "aio/task.hpp"
#include "aio/task_group.hpp"
#include "aio/watch.hpp"

#include <cstddef>
#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

/// Runs `co_await fn(item)` for every item with `workers` tasks fed by one aio::Queue; results
/// in the order of `items`; the first failure cancels the rest and is thrown.
template <class T, class F>
aio::Task<std::vector<typename aio::detail::TaskValue<std::invoke_result_t<F&, T&>>::type>>
map_with_workers(std::vector<T> items, std::size_t workers, F fn) {
  using R = typename aio::detail::TaskValue<std::invoke_result_t<F&, T&>>::type;
  if (workers == 0) throw std::invalid_argument("map_with_workers needs at least one worker");
  aio::Queue<std::size_t> queue; // the index of each item, in order
  for (std::size_t i = 0; i < items.size(); ++i) queue.put_nowait(i);
  queue.shutdown(); // nothing more will come: a worker that finds it empty stops
  std::vector<std::optional<R>> results(items.size());
  const auto worker = [&]() -> aio::Task<> {
    for (;;) {
      std::size_t i = 0;
      try {
        i = co_await queue.get();
      } catch (const aio::QueueShutDown&) {
        co_return; // every item taken
      }
      results[i].emplace(co_await fn(items[i]));
    }
  };
  try {
    co_await aio::task_group([&](aio::TaskGroup& group) -> aio::Task<> {
      for (std::size_t w = 0; w < workers; ++w) group.create_task(worker());
      co_return;
    });
  } catch (const aio::ExceptionGroup& failures) {
    std::rethrow_exception(failures.exceptions().front()); // the first failure, as gather does
  }
  std::vector<R> out;
  out.reserve(results.size());
  for (auto& result : results) out.push_back(std::move(*result));
  co_return out;
}
