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

/// Counts how many pieces of work run at once, and the most that ever did: a limit checked.
///
///     auto slot = in_flight.enter(); // counted until `slot` goes, whichever way the work ends
struct InFlight {
  int running = 0; ///< Running now.
  int peak = 0;    ///< The most that ever ran at once.

  /// What enter() gives: one running piece of work, counted until it is destroyed.
  class Slot {
  public:
    explicit Slot(InFlight& counter) noexcept : counter_(counter) {
      if (++counter_.running > counter_.peak) counter_.peak = counter_.running;
    }
    ~Slot() { --counter_.running; }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

  private:
    InFlight& counter_;
  };
  /// Counts one more running until the Slot is destroyed.
  [[nodiscard]] Slot enter() noexcept { return Slot(*this); }
};

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
