// Exercise 4.1: then(), a future computed from another future's value, without a coroutine.
#pragma once

#include "aio/future.hpp"

#include "aio/todo.hpp"

#include <type_traits>

/// A future that finishes with `fn(value)` once `source` finishes with `value` (JavaScript's
/// `promise.then`, built from a done callback). If `source` fails, the result fails with the
/// same exception; if `source` is cancelled, the result is cancelled; if `fn` throws, the
/// result fails with what it threw. `fn` runs on the loop, never inside `source.set_result()`.
template <class T, class F>
auto then(aio::Future<T> source, F fn) -> aio::Future<std::invoke_result_t<F&, T&>> {
  using U = std::invoke_result_t<F&, T&>;
  static_assert(!std::is_void_v<U>, "fn must return a value");
  aio::Future<U> result(source.get_loop());
  (void)fn;
  AIO_TODO("4.1");
  return result;
}
