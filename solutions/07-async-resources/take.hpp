// Exercise 7.1, a reference answer: take().
#pragma once

#include "aio/async_generator.hpp"

#include <cstddef>
#include <utility>

/// Yields the first `n` values of `source`, then ends. It never asks `source` for a value it
/// will not yield, and once it has ended, `source` has been destroyed.
template <class T>
aio::AsyncGenerator<T> take(aio::AsyncGenerator<T> source, std::size_t n) {
  { // a local, so that the source is destroyed when this block ends, not when our frame is freed
    aio::AsyncGenerator<T> values = std::move(source);
    for (std::size_t taken = 0; taken < n; ++taken) {
      auto item = co_await values.next();
      if (!item) break;
      co_yield std::move(*item);
    }
  }
}
