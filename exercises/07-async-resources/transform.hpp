// Exercise 7.2: transform(), an async function applied to each value of an async generator.
#pragma once

#include "aio/async_generator.hpp"
#include "aio/task.hpp"
#include "aio/watch.hpp"

#include "aio/todo.hpp"

#include <type_traits>

/// Yields `co_await fn(value)` for each value of `source`, in order, one at a time (Python: an
/// `async for` in an async generator that awaits a coroutine per item). An exception of `fn`
/// comes out of next(), and ends the generator.
template <class T, class F>
aio::AsyncGenerator<typename aio::detail::TaskValue<std::invoke_result_t<F&, T&>>::type>
transform(aio::AsyncGenerator<T> source, F fn) {
  (void)source;
  (void)fn;
  AIO_TODO("7.2");
  co_return;
}
