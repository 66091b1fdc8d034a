// Exercise 5.3, a reference answer: retry(), with an exponential backoff.
#pragma once

#include "aio/clock.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include <chrono>
#include <stdexcept>
#include <type_traits>

/// How retry() spaces its attempts.
struct Backoff {
  int attempts = 3;                                           ///< attempts in all, at least 1
  aio::Duration first_delay = std::chrono::milliseconds(100); ///< the wait after the first failure
  double factor = 2.0;                                        ///< each wait is the previous one times this
};

/// Calls `make_attempt()` (which returns an aio::Task) and awaits it; if that fails, waits and
/// tries again, up to `backoff.attempts` attempts in all, the waits growing by `backoff.factor`.
/// Gives the first success's value; rethrows the last failure once the attempts are used up. A
/// cancellation is not a failure: aio::CancelledError goes straight through, with no retry.
/// Throws std::invalid_argument if `backoff.attempts` is below 1.
template <class F>
std::invoke_result_t<F&> retry(F make_attempt, Backoff backoff) {
  if (backoff.attempts < 1) throw std::invalid_argument("retry needs at least one attempt");
  aio::Duration delay = backoff.first_delay;
  for (int attempt = 1;; ++attempt) {
    try {
      co_return co_await make_attempt();
    } catch (const aio::CancelledError&) {
      throw; // being cancelled is not a failure to retry
    } catch (...) {
      if (attempt == backoff.attempts) throw;
    }
    co_await aio::sleep(delay); // not inside the catch: a handler cannot co_await
    delay = std::chrono::duration_cast<aio::Duration>(delay * backoff.factor);
  }
}
