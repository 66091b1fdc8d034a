// StepTimer: timing loop steps and the slices within them.
#include "aio/step_timer.hpp"

#include "aio/diagnostics.hpp"

#include <string>
#include <utility>

namespace aio {

void StepTimer::begin(Origin who, std::size_t number, const Kind& kind) {
  step_kind_ = kind;
  const auto now = StepClock::now();
  step_who_ = slice_who_ = who;
  number_ = number;
  step_start_ = slice_start_ = now;
  reported_ = false;
  outer_ = std::exchange(current_, this);
  watch_.begin(kind.name, who); // the watchdog can now name a step that never returns
  if (observer_ != nullptr) observed_start_ = std::chrono::steady_clock::now();
}

StepTimer::Observer* StepTimer::observe(Observer* observer) noexcept { return std::exchange(observer_, observer); }

// [blame]
void StepTimer::switch_slice(Origin who) noexcept {
  const auto now = StepClock::now();
  close_slice(now);
  slice_who_ = who;
  slice_start_ = now;
  watch_.switch_to(who);
}

void StepTimer::close_slice(StepClock::time_point now) {
  const auto took = now - slice_start_;
  if (took <= slow_step_threshold()) return;
  reported_ = true;
  report(slice_who_, took, false);
}

void StepTimer::end() {
  watch_.end();
  current_ = outer_;
  if (observer_ != nullptr) observer_->step(step_who_, std::chrono::steady_clock::now() - observed_start_);
  const auto now = StepClock::now();
  close_slice(now);
  // Many short slices can block the loop too: then blame the one the loop resumed.
  if (!reported_ && now - step_start_ > slow_step_threshold()) report(step_who_, now - step_start_, true);
}
// [blame]

void StepTimer::report(Origin who, StepClock::duration took, bool whole_step) const {
  const std::string culprit = who.line != 0 ? std::string(step_kind_.name) + " '" + std::string(who.name()) + "'"
                                            : std::string("a ") + step_kind_.name;
  const std::string step = number_ != 0 && (whole_step || who.function == step_who_.function)
                               ? " in its step " + std::to_string(number_)
                               : "";
  aio::report({Pitfall::blocked_loop,
               "the loop was blocked for " + format_duration(took) + " by " + culprit + step + " (limit " +
                   format_duration(slow_step_threshold()) + "): nothing else could run meanwhile",
               who, step_kind_.fix});
}

} // namespace aio
