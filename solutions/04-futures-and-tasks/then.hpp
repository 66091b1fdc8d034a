// Exercise 4.1, a reference answer: then(), a future computed from another future's value.
#pragma once

#include "aio/future.hpp"

#include <exception>
#include <type_traits>
#include <utility>

/// A future that finishes with `fn(value)` once `source` finishes with `value` (JavaScript's
/// `promise.then`, built from a done callback). If `source` fails, the result fails with the
/// same exception; if `source` is cancelled, the result is cancelled; if `fn` throws, the
/// result fails with what it threw. `fn` runs on the loop, never inside `source.set_result()`.
template <class T, class F>
auto then(aio::Future<T> source, F fn) -> aio::Future<std::invoke_result_t<F&, T&>> {
  using U = std::invoke_result_t<F&, T&>;
  static_assert(!std::is_void_v<U>, "fn must return a value");
  aio::Future<U> result(source.get_loop());
  // The callback holds a copy of `result` (the same future), so it outlives this call.
  source.add_done_callback([result, fn = std::move(fn)](aio::Future<T>& done) mutable {
    if (done.cancelled()) {
      result.cancel();
    } else if (std::exception_ptr error = done.exception()) {
      result.set_exception(error);
    } else {
      try {
        result.set_result(fn(done.result()));
      } catch (...) {
        result.set_exception(std::current_exception());
      }
    }
  });
  return result;
}
