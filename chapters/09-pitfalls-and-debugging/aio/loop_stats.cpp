// LoopStats: counting the steps the StepTimer of every loop reports.
#include "aio/loop_stats.hpp"

#include "aio/diagnostics.hpp"
#include "aio/event_loop.hpp"

#include <algorithm>
#include <sstream>

namespace aio {

LoopStats::LoopStats()
    : start_(std::chrono::steady_clock::now()), previous_(StepTimer::observe(this)), checks_(set_debug_checks(true)) {}

LoopStats::~LoopStats() {
  set_debug_checks(checks_);
  StepTimer::observe(previous_);
}

// [observe]
void LoopStats::step(Origin who, std::chrono::nanoseconds took) noexcept {
  ++steps_;
  busy_ += took;
  if (EventLoop::is_any_running()) peak_timers_ = std::max(peak_timers_, EventLoop::get_running_loop().timers());
  try {
    Entry& entry = by_origin_.try_emplace({who.function, who.line}, Entry{who}).first->second;
    ++entry.steps;
    entry.total += took;
    entry.longest = std::max(entry.longest, took);
  } catch (...) { // out of memory: the totals above are still right
  }
}
// [observe]

std::vector<LoopStats::Entry> LoopStats::slowest(std::size_t n) const {
  std::vector<Entry> entries;
  entries.reserve(by_origin_.size());
  for (const auto& [key, entry] : by_origin_) entries.push_back(entry);
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.longest != b.longest ? a.longest > b.longest : a.total > b.total;
  });
  if (entries.size() > n) entries.resize(n);
  return entries;
}

std::string LoopStats::text(std::size_t n) const {
  std::ostringstream out;
  const auto elapsed = this->elapsed();
  out << steps_ << " steps in " << format_duration(elapsed) << ", busy " << format_duration(busy_);
  if (elapsed.count() > 0) out << " (" << busy_ * 100 / elapsed << "% of the time)";
  out << "; at most " << peak_timers_ << (peak_timers_ == 1 ? " timer" : " timers") << " set at once\n";
  out << "slowest steps:\n";
  for (const Entry& entry : slowest(n)) {
    out << "  " << format_duration(entry.longest) << "  " << entry.who.name() << " (" << entry.who << "), "
        << entry.steps << (entry.steps == 1 ? " step, " : " steps, ") << format_duration(entry.total) << " in all\n";
  }
  return out.str();
}

} // namespace aio
