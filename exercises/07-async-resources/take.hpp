// Exercise 7.1: take(), the first n values of an async generator, and not one more.
#pragma once

#include "aio/async_generator.hpp"

#include "aio/todo.hpp"

#include <cstddef>

/// Yields the first `n` values of `source`, then ends (Python: `aitertools.islice`). It never
/// asks `source` for a value it will not yield, and once it has ended, `source` has been
/// destroyed (its cleanup has run), even if the take generator itself is still kept.
template <class T>
aio::AsyncGenerator<T> take(aio::AsyncGenerator<T> source, std::size_t n) {
  (void)source;
  (void)n;
  AIO_TODO("7.1");
  co_return;
}
