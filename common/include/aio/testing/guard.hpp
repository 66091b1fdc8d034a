// The pitfall guard: a test case written with AIO_TEST_CASE fails when the runtime reported
// a pitfall while it ran, and reports an AIO_TODO it reached as "not started".
#pragma once

#include "aio/diagnostics.hpp"
#include "aio/watchdog.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>
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

/// Sets the watchdog's stall limit and handler for a scope (tests of the watchdog itself).
class ScopedStall {
public:
  /// Steps running past `limit` are reported, then `handler` (if any) is called.
  ScopedStall(std::chrono::nanoseconds limit, StallHandler handler)
      : limit_(set_stall_limit(limit)), handler_(set_stall_handler(handler)) {}
  ~ScopedStall() {
    set_stall_limit(limit_);
    set_stall_handler(handler_);
  }
  ScopedStall(const ScopedStall&) = delete;
  ScopedStall& operator=(const ScopedStall&) = delete;

private:
  std::chrono::nanoseconds limit_;
  StallHandler handler_;
};

/// A RecordingSink a test can wait on: a step under test blocks until the watchdog reports it.
class AwaitableSink final : public DiagnosticSink {
public:
  void report(const PitfallReport& report) override;
  /// Blocks the calling thread until a report whose summary contains `text` arrives, or `timeout`
  /// passes. Returns that report's summary, or an empty string on timeout.
  std::string wait_for(const std::string& text, std::chrono::milliseconds timeout);
  /// Every report received so far.
  std::vector<PitfallReport> reports() const;

private:
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<PitfallReport> reports_;
};

/// The blocked-loop threshold inside guarded tests: low enough that a learner's blocking
/// sleep is caught at once, high enough that a busy machine does not cause false reports.
inline constexpr std::chrono::milliseconds guarded_slow_step{50};

/// How long a step may run in a test before the watchdog stops the test: far below CTest's
/// timeout, so an endless loop fails in seconds with its name; far above any honest step.
inline constexpr std::chrono::seconds test_stall_limit{3};

/// Message prefixes the grade listener recognises (the message is the interface).
inline constexpr const char* pitfall_prefix = "pitfall: ";
/// See `pitfall_prefix`.
inline constexpr const char* not_started_prefix = "not started: ";

/// The StepWatch of the calling thread's tests (see `watched`).
StepWatch& test_watch();

/// Runs `f()` as one step watched like a loop's: if it never returns, the watchdog names `who`
/// (a `kind` such as "generator") and the test stops within seconds instead of hanging.
/// For tests that drive a generator or a coroutine by hand rather than through a loop.
template <class F>
decltype(auto) watched(const char* kind, Origin who, F&& f) {
  StepWatch& watch = test_watch();
  watch.begin(kind, who);
  struct End {
    StepWatch& watch;
    ~End() { watch.end(); }
  } end{watch};
  return std::forward<F>(f)();
}

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
