// Exercise 1.1: a countdown written by hand as a state machine, like FibonacciMachine.
#pragma once

#include "aio/origin.hpp"
#include "aio/todo.hpp"

#include <iostream>

/// Counts down from `from` to 1, one number per step, then says "Liftoff!" and finishes.
///
/// Countdown(3) on the loop prints, one line per step:
///     T-minus 3
///     T-minus 2
///     T-minus 1
///     Liftoff!          <- printed by the step that finishes (resume() returns false)
class Countdown {
public:
  explicit Countdown(int from) : remaining_(from) {}

  /// One step: prints the next line. Returns true while there is more to say,
  /// false on the step that prints "Liftoff!" and on every call after it.
  bool resume() {
    AIO_TODO("1.1");
  }

  /// For the loop's reports.
  aio::Origin origin() const noexcept { return {"Countdown", __FILE__, __LINE__}; }

private:
  [[maybe_unused]] int remaining_; // add the state you need
};
