// Exercise 2.4: retry(), try an operation again after a pause that doubles each time.
#pragma once

#include "coro/clock.hpp"
#include "coro/sleep.hpp"
#include "coro/task.hpp"

#include "aio/todo.hpp"

#include <functional>

/// Awaits `make()` up to `attempts` times, until one attempt returns instead of throwing.
///
/// Each attempt is a fresh task from `make`. After a failed attempt it waits `pause`, then
/// twice that after the next failure, and so on (1 s, 2 s, 4 s...), without blocking the loop.
/// There is no pause after the last attempt: if every attempt failed, the last exception is
/// rethrown. `attempts` less than 1 is a std::invalid_argument.
template <class T>
coro::Task<T> retry(std::function<coro::Task<T>()> make, int attempts, coro::Duration pause) {
  (void)make;
  (void)attempts;
  (void)pause;
  AIO_TODO("2.4");
}
