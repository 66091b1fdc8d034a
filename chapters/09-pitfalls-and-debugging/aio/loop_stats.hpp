// LoopStats: what the loops of this thread did while it was in scope: how many steps they
// ran, how long those took, which coroutines took longest, how many timers were set at most.
// asyncio has no such tool built in; its debug mode only warns about each slow step.
#pragma once

#include "aio/origin.hpp"
#include "aio/step_timer.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace aio {

// [loop-stats]
/// Statistics of every step run on this thread while it exists (one at a time per thread).
/// Steps are timed with steady_clock; the loops' debug checks are on meanwhile.
class LoopStats final : private StepTimer::Observer {
public:
  /// What one coroutine (or callback) cost, over all its steps.
  struct Entry {
    Origin who;                          ///< The coroutine the loop resumed, or the callback's scheduler.
    std::uint64_t steps = 0;             ///< How many steps it ran.
    std::chrono::nanoseconds total{0};   ///< Their total time.
    std::chrono::nanoseconds longest{0}; ///< The longest one.
  };

  /// Starts counting.
  LoopStats();
  /// Stops counting.
  ~LoopStats();
  LoopStats(const LoopStats&) = delete;
  LoopStats& operator=(const LoopStats&) = delete;

  /// Steps run so far.
  std::uint64_t steps() const noexcept { return steps_; }
  /// Time spent running them: the rest of the time, the loop waited.
  std::chrono::nanoseconds busy() const noexcept { return busy_; }
  /// Time since counting started.
  std::chrono::nanoseconds elapsed() const noexcept { return std::chrono::steady_clock::now() - start_; }
  /// The most timers a loop had set at once, seen at the end of a step.
  std::size_t peak_timers() const noexcept { return peak_timers_; }
  /// The `n` coroutines with the longest single step, longest first.
  std::vector<Entry> slowest(std::size_t n = 5) const;
  /// A short report: steps, busy time, peak timers, and the slowest coroutines.
  std::string text(std::size_t n = 5) const;

private:
  void step(Origin who, std::chrono::nanoseconds took) noexcept override;

  std::chrono::steady_clock::time_point start_;
  std::uint64_t steps_ = 0;
  std::chrono::nanoseconds busy_{0};
  std::size_t peak_timers_ = 0;
  std::map<std::pair<const char*, unsigned>, Entry> by_origin_; // by function name and line
  StepTimer::Observer* previous_;
  bool checks_;
};
// [loop-stats]

} // namespace aio
