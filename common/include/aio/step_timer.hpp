// StepTimer: how every loop of the course times its steps.
//
// A loop wraps each step in a StepTimer::Step. While debug checks are on, the step is timed
// with the cheap StepClock and published to the watchdog; inside a step, each time control
// passes from one coroutine to another (StepTimer::switch_to), the slice that ends is checked
// too. So a blocked-loop report names the coroutine that held the loop, not only the one the
// loop resumed; and if no single slice was too long but the step was, it names the latter,
// as asyncio's debug mode does.
#pragma once

#include "aio/diagnostics.hpp"
#include "aio/origin.hpp"
#include "aio/step_clock.hpp"
#include "aio/watchdog.hpp"

#include <chrono>
#include <cstddef>

namespace aio {

/// Times one loop's steps for the blocked-loop check, and publishes them to the watchdog.
class StepTimer {
public:
  /// What a step runs, as reports name it: `name` ("generator", "coroutine", "callback from")
  /// and `fix`, the advice a blocked-loop report gives. Both must outlive the timer.
  struct Kind {
    const char* name; ///< Goes before the culprit's name: "coroutine 'fetch'".
    const char* fix;  ///< One sentence: what to do instead of blocking.
  };

  /// Steps are of kind `kind` with advice `fix` unless a Step says otherwise.
  StepTimer(const char* kind, const char* fix) noexcept : kind_{kind, fix} {}
  StepTimer(const StepTimer&) = delete;
  StepTimer& operator=(const StepTimer&) = delete;

  /// One step of `who`, for the lifetime of this object. `number` (if not 0) is the step's
  /// rank for `who`, shown in reports. With debug checks off it does nothing.
  class Step {
  public:
    /// Starts timing a step of `who` on `timer`; `kind`, if given, replaces the timer's own.
    Step(StepTimer& timer, Origin who, std::size_t number = 0, const Kind* kind = nullptr)
        : timer_(debug_checks() ? &timer : nullptr) {
      if (timer_ != nullptr) timer_->begin(who, number, kind != nullptr ? *kind : timer.kind_);
    }
    /// Ends the step: checks its last slice, and the step as a whole.
    ~Step() {
      if (timer_ != nullptr) timer_->end();
    }
    Step(const Step&) = delete;
    Step& operator=(const Step&) = delete;

  private:
    StepTimer* timer_;
  };

  /// Inside a step on this thread, control passes to `who`: the slice that ends is checked.
  static void switch_to(Origin who) noexcept {
    if (current_ != nullptr) current_->switch_slice(who);
  }

  /// Sees every step timed on this thread, measured with steady_clock (chapter 09's loop
  /// statistics). Costs nothing while none is installed.
  class Observer {
  public:
    /// A step of `who` took `took`.
    virtual void step(Origin who, std::chrono::nanoseconds took) noexcept = 0;

  protected:
    ~Observer() = default;
  };
  /// Makes `observer` see this thread's steps (null: none); returns the previous one.
  static Observer* observe(Observer* observer) noexcept;

private:
  static inline thread_local StepTimer* current_ = nullptr; // the timer of the step running on this thread
  static inline thread_local Observer* observer_ = nullptr;

  void switch_slice(Origin who) noexcept;
  void begin(Origin who, std::size_t number, const Kind& kind);
  void end();
  void close_slice(StepClock::time_point now);
  void report(Origin who, StepClock::duration took, bool whole_step) const;

  Kind kind_;      // the timer's own
  Kind step_kind_; // the running step's
  StepWatch watch_;
  Origin step_who_;
  Origin slice_who_;
  std::size_t number_ = 0;
  StepClock::time_point step_start_{};
  StepClock::time_point slice_start_{};
  std::chrono::steady_clock::time_point observed_start_{}; // only while an observer is installed
  bool reported_ = false;                                  // a slice of this step was reported already
  StepTimer* outer_ = nullptr;                             // the timer that was current before this step began
};

} // namespace aio
