// StepClock: the clock the loops' blocked-loop check reads around every step.
//
// The check only has to tell "well under the threshold" (100 ms) from "over it", so it needs
// the precision of the threshold, not of a nanosecond. On Linux, CLOCK_MONOTONIC_COARSE is
// read from memory the kernel updates every tick: about 4 ns a read instead of about 25 ns
// for steady_clock, with a resolution of a tick (typically 4 ms). That is what makes the
// check cheap enough to leave on in tests and demos.
#pragma once

#include <chrono>
#include <ctime>

namespace aio {

/// A monotonic clock that is cheap to read and as precise as the kernel's tick.
struct StepClock {
  using duration = std::chrono::nanoseconds;             ///< Nanoseconds, in steps of a tick.
  using rep = duration::rep;                             ///< Required of clocks.
  using period = duration::period;                       ///< Required of clocks.
  using time_point = std::chrono::time_point<StepClock>; ///< A point on this clock.
  static constexpr bool is_steady = true;                ///< Never goes back.

  /// The current time, to the resolution of a kernel tick.
  static time_point now() noexcept {
#if defined(CLOCK_MONOTONIC_COARSE)
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
#else
    return time_point(std::chrono::steady_clock::now().time_since_epoch());
#endif
  }
};

} // namespace aio
