// Exercise 1.1, reference answer: a countdown written by hand as a state machine.
#pragma once

#include "aio/origin.hpp"

#include <iostream>

/// Counts down from `from` to 1, one number per step, then says "Liftoff!" and finishes.
class Countdown {
public:
  explicit Countdown(int from) : remaining_(from) {}

  /// One step: prints the next line. Returns true while there is more to say,
  /// false on the step that prints "Liftoff!" and on every call after it.
  bool resume() {
    if (finished_) return false;
    if (remaining_ > 0) {
      std::cout << "T-minus " << remaining_-- << '\n';
      return true; // yield
    }
    std::cout << "Liftoff!\n";
    finished_ = true; // return
    return false;
  }

  /// For the loop's reports.
  aio::Origin origin() const noexcept { return {"Countdown", __FILE__, __LINE__}; }

private:
  int remaining_;
  bool finished_ = false;
};
