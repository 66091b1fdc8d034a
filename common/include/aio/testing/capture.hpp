// Captures what a demo prints, so a test can compare it with the expected text exactly.
#pragma once

#include "aio/clock.hpp"

#include <iostream>
#include <sstream>
#include <string>
#include <utility>

namespace aio::testing {

/// Redirects `std::cout` into a string for the lifetime of the object.
///
///     CaptureStdout out;
///     fibonacci_demo();
///     CHECK(out.text() == "Event loop cycle.\n...");
class CaptureStdout {
public:
  CaptureStdout() : previous_(std::cout.rdbuf(buffer_.rdbuf())) {}
  ~CaptureStdout() { std::cout.rdbuf(previous_); }
  CaptureStdout(const CaptureStdout&) = delete;
  CaptureStdout& operator=(const CaptureStdout&) = delete;

  /// Everything printed so far.
  std::string text() const { return buffer_.str(); }

private:
  std::ostringstream buffer_;
  std::streambuf* previous_;
};

/// What `demo()` prints on std::cout.
template <class Demo>
std::string output_of(Demo&& demo) {
  CaptureStdout out;
  std::forward<Demo>(demo)();
  return out.text();
}

/// What a demo that takes a clock prints when it runs on a fresh VirtualClock, so that a demo
/// test is one comparison: `CHECK(demo_output(aio::demos::wait_for) == "...");`. In virtual
/// time the seeds' seconds pass at once and every figure printed is exact.
template <class Demo>
std::string demo_output(Demo&& demo) {
  VirtualClock clock;
  return output_of([&] { std::forward<Demo>(demo)(clock); });
}

} // namespace aio::testing
