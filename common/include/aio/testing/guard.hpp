// The pitfall guard: a test case written with AIO_TEST_CASE fails when the runtime reported
// a pitfall while it ran, and reports an AIO_TODO it reached as "not started".
#pragma once

#include "aio/diagnostics.hpp"

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace aio::testing {

/// A sink that keeps every report, for tests that check a detector fires (or stays silent).
class RecordingSink final : public DiagnosticSink {
public:
  void report(const PitfallReport& report) override;
  /// A copy of every report received so far, oldest first.
  std::vector<PitfallReport> reports() const;
  /// How many reports of one kind were received.
  std::size_t count(Pitfall kind) const;

private:
  mutable std::mutex mutex_;
  std::vector<PitfallReport> reports_;
};

/// Sets the blocked-loop threshold for a scope, then puts the previous one back.
class ScopedThreshold {
public:
  /// Steps longer than `threshold` are reported until this object is destroyed.
  explicit ScopedThreshold(std::chrono::nanoseconds threshold) : previous_(set_slow_step_threshold(threshold)) {}
  ~ScopedThreshold() { set_slow_step_threshold(previous_); }
  ScopedThreshold(const ScopedThreshold&) = delete;
  ScopedThreshold& operator=(const ScopedThreshold&) = delete;

private:
  std::chrono::nanoseconds previous_;
};

/// Switches the loops' step timing on or off for a scope, then puts it back.
class ScopedDebugChecks {
public:
  /// Step timing is `on` until this object is destroyed.
  explicit ScopedDebugChecks(bool on) : previous_(set_debug_checks(on)) {}
  ~ScopedDebugChecks() { set_debug_checks(previous_); }
  ScopedDebugChecks(const ScopedDebugChecks&) = delete;
  ScopedDebugChecks& operator=(const ScopedDebugChecks&) = delete;

private:
  bool previous_;
};

/// The blocked-loop threshold inside guarded tests: low enough that a learner's blocking
/// sleep is caught at once, high enough that a busy machine does not cause false reports.
inline constexpr std::chrono::milliseconds guarded_slow_step{50};

/// Message prefixes the grade listener recognises (the message is the interface).
inline constexpr const char* pitfall_prefix = "pitfall: ";
/// See `pitfall_prefix`.
inline constexpr const char* not_started_prefix = "not started: ";

/// Runs `body` under the pitfall guard. Use through AIO_TEST_CASE.
void run_guarded(void (*body)());

} // namespace aio::testing

#define AIO_TESTING_CAT2(a, b) a##b
#define AIO_TESTING_CAT(a, b) AIO_TESTING_CAT2(a, b)

/// A Catch2 test case that runs under the pitfall guard. Use it like TEST_CASE:
/// `AIO_TEST_CASE("countdown yields 3, 2, 1", "[ex1.1]") { ... }`
#define AIO_TEST_CASE(name, tags) AIO_TESTING_CASE_IMPL(AIO_TESTING_CAT(aio_guarded_body_, __LINE__), name, tags)
#define AIO_TESTING_CASE_IMPL(body, name, tags)                                                                        \
  static void body();                                                                                                  \
  TEST_CASE(name, tags) { ::aio::testing::run_guarded(body); }                                                         \
  static void body()
