// For tests: the small coroutines that tests of every later chapter start, gather and cancel.
#pragma once

#include "aio/clock.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/testing/loop_time.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace aio::testing {

/// Sleeps `delay`, then gives `value`.
template <class T>
Task<T> value_after(Duration delay, T value) {
  co_await sleep(delay);
  co_return std::move(value);
}

/// Sleeps `delay`, then throws std::runtime_error(`message`); a Task<T> to stand beside value_after's.
template <class T = int>
Task<T> fail_after(Duration delay, std::string message) {
  co_await sleep(delay);
  throw std::runtime_error(message);
}

} // namespace aio::testing
