// Exercise 5.1, a reference answer: gather_limited(), at most `limit` coroutines at once.
#pragma once

#include "aio/gather.hpp"
#include "aio/task.hpp"

#include <algorithm>
#include <cstddef>
#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <variant>
#include <vector>

/// Runs `coroutines` with at most `limit` of them running at any time, starting the next one as
/// soon as one finishes, and gives every one's Outcome in the order given (as gather_settled
/// does: a failure is an outcome, and does not stop the others). Throws std::invalid_argument if
/// `limit` is 0.
template <class T>
aio::Task<std::vector<aio::Outcome<T>>> gather_limited(std::vector<aio::Task<T>> coroutines, std::size_t limit) {
  if (limit == 0) throw std::invalid_argument("gather_limited needs a limit of at least 1");
  std::vector<std::optional<aio::Outcome<T>>> outcomes(coroutines.size());
  std::size_t next = 0;
  // `limit` workers; each takes the next coroutine not started yet and runs it inline, so that
  // exactly the workers' count of them run at once. Coroutines are lazy: a coroutine nobody has
  // started yet has not run a line.
  const auto worker = [&]() -> aio::Task<> {
    while (next < coroutines.size()) {
      const std::size_t i = next++;
      try {
        if constexpr (std::is_void_v<T>) {
          co_await std::move(coroutines[i]);
          outcomes[i].emplace(std::monostate{});
        } else {
          outcomes[i].emplace(co_await std::move(coroutines[i]));
        }
      } catch (...) {
        outcomes[i].emplace(std::current_exception());
      }
    }
  };
  std::vector<aio::Task<>> workers;
  for (std::size_t k = 0; k < std::min(limit, coroutines.size()); ++k) workers.push_back(worker());
  co_await aio::gather(std::move(workers));

  std::vector<aio::Outcome<T>> results;
  results.reserve(outcomes.size());
  for (auto& outcome : outcomes) results.push_back(std::move(*outcome));
  co_return results;
}
