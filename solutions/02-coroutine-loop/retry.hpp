// Exercise 2.4, reference answer: retry() with a doubling pause.
#pragma once

#include "coro/clock.hpp"
#include "coro/sleep.hpp"
#include "coro/task.hpp"

#include <exception>
#include <functional>
#include <stdexcept>

/// Awaits `make()` up to `attempts` times, until one attempt returns instead of throwing.
/// `attempts` less than 1 is a std::invalid_argument.
template <class T>
coro::Task<T> retry(std::function<coro::Task<T>()> make, int attempts, coro::Duration pause) {
  if (attempts < 1) throw std::invalid_argument("retry: attempts must be at least 1");
  std::exception_ptr last;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    try {
      co_return co_await make();
    } catch (...) {
      last = std::current_exception();
    }
    if (attempt < attempts) {
      co_await coro::sleep(pause); // the loop runs others meanwhile
      pause *= 2;
    }
  }
  std::rethrow_exception(last);
}
