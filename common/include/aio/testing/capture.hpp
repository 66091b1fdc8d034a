// Captures what a demo prints, so a test can compare it with the expected text exactly.
#pragma once

#include <iostream>
#include <sstream>
#include <string>

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

} // namespace aio::testing
