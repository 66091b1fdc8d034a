// A generator written by hand: the seed's fibonacci(n) as an explicit state machine.
// Each `case` is a place where the function can be resumed; the members are the local
// variables that must survive between steps. A C++20 coroutine is this, written for you.
#pragma once

#include "aio/origin.hpp"

#include <iostream>
#include <tuple>
#include <utility>

namespace genloop {

// [machine]
/// `fibonacci(n)` as a hand-written generator: each `resume()` runs to the next "yield".
class FibonacciMachine {
public:
  /// Nothing runs yet: like calling a generator function in Python, this only creates it.
  explicit FibonacciMachine(int n) : n_(n) {}

  /// Runs until the next yield point. Returns true if it yielded (call again later),
  /// false once the function has returned.
  bool resume() {
    switch (state_) {
    case State::start: // first call: run from the top of the function
      a_ = 0;
      b_ = 1;
      i_ = 0;
      break;
    case State::suspended: // resumed after a yield: finish that loop iteration
      ++i_;
      break;
    case State::finished: return false;
    }
    if (i_ < n_) {
      std::tie(a_, b_) = std::pair{b_, a_ + b_};
      std::cout << "Fibonacci(" << i_ << "): " << a_ << '\n';
      state_ = State::suspended;
      return true; // the `yield`: hand control back to the loop
    }
    state_ = State::finished; // the `return a`
    return false;
  }

  /// The function's return value (`a`), valid once `resume()` has returned false.
  int result() const noexcept { return a_; }
  // [machine]

  /// For the loop's reports: this generator's name and where it is defined.
  aio::Origin origin() const noexcept { return {"FibonacciMachine", __FILE__, __LINE__}; }

private:
  enum class State { start, suspended, finished };
  State state_ = State::start;
  int n_;
  int i_ = 0; // the locals of fibonacci(), kept alive between steps
  int a_ = 0;
  int b_ = 0;
};

} // namespace genloop
