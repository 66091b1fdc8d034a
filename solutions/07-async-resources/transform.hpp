// Exercise 7.2, a reference answer: transform().
#pragma once

#include "aio/async_generator.hpp"
#include "aio/task.hpp"
#include "aio/watch.hpp"

#include <type_traits>
#include <utility>

/// Yields `co_await fn(value)` for each value of `source`, in order, one at a time.
template <class T, class F>
aio::AsyncGenerator<typename aio::detail::TaskValue<std::invoke_result_t<F&, T&>>::type>
transform(aio::AsyncGenerator<T> source, F fn) {
  while (auto item = co_await source.next()) {
    auto out = co_await fn(*item);
    co_yield std::move(out);
  }
}
