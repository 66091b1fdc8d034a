// The diagnostics sink: the one place every loop of the course reports a pitfall to.
// Demos print the reports (like asyncio's debug mode); the test harness turns them into
// test failures; the grader shows them to the learner with their fix.
#pragma once

#include "aio/origin.hpp"

#include <chrono>
#include <exception>
#include <string>
#include <string_view>

namespace aio {

/// The mistakes the runtime can see happen. Each one has a report and a fix.
enum class Pitfall {
  never_run,                 ///< created (a generator, a coroutine) but never run or awaited
  blocked_loop,              ///< one step held the loop for longer than the threshold
  exception_never_retrieved, ///< a task failed and nobody looked at its exception
  destroyed_pending,         ///< destroyed while it still had work to do
  nested_run,                ///< a loop was run from inside a running loop
  deadlock,                  ///< nothing is ready and nothing can ever become ready
  cancellation_swallowed,    ///< a cancelled task caught CancelledError and finished as if nothing happened
  callback_failed,           ///< a callback threw, and the loop's default exception handler reported it
  unbounded_buffer,          ///< a stream's write buffer keeps growing: its writer never drains
  left_open,                 ///< a connection or server was still open when its event loop ended
  wrong_thread,              ///< a loop's non-thread-safe call (call_soon, a wake-up) came from another thread
  unread_body,               ///< an HTTP response was dropped with its body unread: its connection cannot be reused
};

/// The message of `error`: its what(), or a note that it is not a std::exception.
std::string message_of(const std::exception_ptr& error);

/// A short name for the pitfall, as used in reports: `"never run"`, `"blocked loop"`, ...
std::string_view name(Pitfall pitfall) noexcept;

/// One pitfall seen by the runtime.
struct PitfallReport {
  Pitfall kind;             ///< Which mistake.
  std::string summary;      ///< One line naming the culprit: "generator 'fibonacci' was created but never run".
  Origin origin;            ///< Where the culprit is defined.
  std::string fix;          ///< What to do about it, in one sentence.
  std::string details = {}; ///< More lines, if the runtime knows more (a deadlock: who waits on what).

  /// The full text: the summary, an "in function, file:line" line, the details, a "fix:" line.
  std::string text() const;
};

/// Receives pitfall reports. Implementations must be safe to call from any thread.
class DiagnosticSink {
public:
  virtual ~DiagnosticSink() = default;
  /// Called once per pitfall, on the thread that saw it.
  virtual void report(const PitfallReport& report) = 0;
};

/// Writes what every task waits for, for a deadlock report; empty if it knows nothing.
using DeadlockExplainer = std::string (*)();
/// Makes `explainer` the one deadlock reports call for their details (chapter 09 installs the
/// task dump); returns the previous one. Null: deadlock reports have no details.
DeadlockExplainer set_deadlock_explainer(DeadlockExplainer explainer) noexcept;
/// What the deadlock explainer says, or an empty string if there is none (or it failed).
std::string explain_deadlock() noexcept;

/// Sends `report` to the current sink (by default: standard error, after flushing stdout).
void report(const PitfallReport& report);

/// Makes `sink` the current sink and returns the previous one; `nullptr` restores the default.
DiagnosticSink* set_sink(DiagnosticSink* sink) noexcept;

/// Installs a sink for the lifetime of a scope, then puts the previous one back.
class ScopedSink {
public:
  /// Makes `sink` current until this object is destroyed.
  explicit ScopedSink(DiagnosticSink& sink) noexcept : previous_(set_sink(&sink)) {}
  ~ScopedSink() { set_sink(previous_); }
  ScopedSink(const ScopedSink&) = delete;
  ScopedSink& operator=(const ScopedSink&) = delete;

private:
  DiagnosticSink* previous_;
};

/// A step longer than this is reported as a blocked loop (asyncio's `slow_callback_duration`).
/// 100 ms by default; the test harness lowers it.
std::chrono::nanoseconds slow_step_threshold() noexcept;
/// Sets the blocked-loop threshold for every loop in the process; returns the previous value.
std::chrono::nanoseconds set_slow_step_threshold(std::chrono::nanoseconds threshold) noexcept;

/// Whether loops time their steps (one clock read per step). On by default, as the course is
/// about seeing mistakes; benchmarks switch it off to measure the bare loop.
bool debug_checks() noexcept;
/// Switches step timing on or off for every loop in the process; returns the previous value.
bool set_debug_checks(bool on) noexcept;

/// Formats a duration for people: "1002 ms", "350 us".
std::string format_duration(std::chrono::nanoseconds duration);

} // namespace aio
