// The watchdog: names a loop that is *still* blocked.
//
// A loop learns that a step was too long only when the step returns. A step that never
// returns (an endless loop, a call that waits forever) would hang without a word. So each
// loop publishes what it is running, and a watchdog thread reports a step that has run
// longer than the stall limit while it is still running. asyncio cannot do this: its slow
// callback report comes afterwards, if ever.
#pragma once

#include "aio/origin.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>

namespace aio {

struct PitfallReport;

/// What one loop is running now, for the watchdog to read from another thread.
/// A loop owns one, calls begin() and end() around each step and switch_to() when control
/// passes to another coroutine inside a step. Each call is a handful of atomic stores.
class StepWatch {
public:
  StepWatch();
  ~StepWatch();
  StepWatch(const StepWatch&) = delete;
  StepWatch& operator=(const StepWatch&) = delete;

  /// A step starts, running `who` (a coroutine's or generator's origin; kind names it: "coroutine").
  void begin(const char* kind, Origin who) noexcept;
  /// Inside a step, control passes to `who`: it is now the one to blame.
  void switch_to(Origin who) noexcept;
  /// The step has returned to the loop.
  void end() noexcept;

private:
  friend class Watchdog;
  void open_write() noexcept;
  void close_write() noexcept;
  // A seqlock: odd while a write is in progress, so the watchdog never reads half an update.
  std::atomic<std::uint64_t> seq_{0};
  std::atomic<std::int64_t> since_ns_{0}; // 0: no step running
  std::atomic<const char*> kind_{""};
  std::atomic<const char*> function_{"?"};
  std::atomic<const char*> file_{"?"};
  std::atomic<unsigned> line_{0};
  std::atomic<int> thread_id_{0};         // the kernel's id of the loop's thread, to see what it waits in
  std::uint64_t step_ = 0;                // writer-side count of steps begun
  std::atomic<std::uint64_t> step_id_{0}; // the step the fields describe
  StepWatch* next_ = nullptr;             // the watchdog's list of watches
  StepWatch* prev_ = nullptr;
  std::uint64_t reported_step_ = 0; // the watchdog's own: the last step it reported
};

/// How long a step may run before the watchdog reports it still blocked (1 s by default).
std::chrono::nanoseconds stall_limit() noexcept;
/// Sets the stall limit for every loop in the process; returns the previous value.
std::chrono::nanoseconds set_stall_limit(std::chrono::nanoseconds limit) noexcept;

/// Called on the watchdog's thread after a still-blocked loop was reported. The test harness
/// installs one that fails the test at once; by default there is none (the report is printed).
using StallHandler = void (*)(const PitfallReport&);
/// Installs `handler` (nullptr: none); returns the previous one.
StallHandler set_stall_handler(StallHandler handler) noexcept;

} // namespace aio
