// Exercise 5.3: retry(), try again after a failure, waiting longer each time.
#pragma once

#include "aio/clock.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/todo.hpp"

#include <chrono>
#include <type_traits>

/// How retry() spaces its attempts.
struct Backoff {
  int attempts = 3;                                          ///< attempts in all, at least 1
  aio::Duration first_delay = std::chrono::milliseconds(100); ///< the wait after the first failure
  double factor = 2.0;                                       ///< each wait is the previous one times this
};

/// Calls `make_attempt()` (which returns an aio::Task) and awaits it; if that fails, waits and
/// tries again, up to `backoff.attempts` attempts in all, the waits growing by `backoff.factor`.
/// Gives the first success's value; rethrows the last failure once the attempts are used up. A
/// cancellation is not a failure: aio::CancelledError goes straight through, with no retry.
/// Throws std::invalid_argument if `backoff.attempts` is below 1.
template <class F>
std::invoke_result_t<F&> retry(F make_attempt, Backoff backoff) {
  (void)backoff;
  AIO_TODO("5.3");
  co_return co_await make_attempt();
}
