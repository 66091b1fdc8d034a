// The default diagnostics sink and the process-wide pitfall settings.
#include "aio/diagnostics.hpp"

#include <atomic>
#include <iostream>
#include <mutex>
#include <sstream>
#include <utility>

namespace aio {
namespace {

class StderrSink final : public DiagnosticSink {
public:
  void report(const PitfallReport& report) override {
    std::lock_guard lock(mutex_);
    std::cout.flush(); // keep the report after what the program printed before it
    std::cerr << "aio: pitfall: " << report.text() << std::endl;
  }

private:
  std::mutex mutex_;
};

StderrSink default_sink;
// Reports may come from another thread (the watchdog's): set_sink() waits for a report in
// flight, so a test's sink is never replaced (and destroyed) while it is being written to.
std::mutex sink_mutex;
DiagnosticSink* current_sink = &default_sink;
std::atomic<std::chrono::nanoseconds::rep> threshold_ns{
    std::chrono::nanoseconds(std::chrono::milliseconds(100)).count()};
std::atomic<bool> debug{true};
std::atomic<DeadlockExplainer> explainer{nullptr};

} // namespace

std::string message_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

std::string_view name(Pitfall pitfall) noexcept {
  switch (pitfall) {
  case Pitfall::never_run: return "never run";
  case Pitfall::blocked_loop: return "blocked loop";
  case Pitfall::exception_never_retrieved: return "exception never retrieved";
  case Pitfall::destroyed_pending: return "destroyed while pending";
  case Pitfall::nested_run: return "nested run";
  case Pitfall::deadlock: return "deadlock";
  case Pitfall::cancellation_swallowed: return "swallowed cancellation";
  case Pitfall::callback_failed: return "exception in callback";
  case Pitfall::unbounded_buffer: return "writer never drains";
  case Pitfall::left_open: return "left open";
  case Pitfall::wrong_thread: return "wrong thread";
  case Pitfall::unread_body: return "body never read";
  }
  return "unknown pitfall";
}

std::string PitfallReport::text() const {
  std::ostringstream out;
  out << summary;
  if (origin.line != 0) out << "\n  in " << origin.name() << ", " << origin;
  if (!details.empty()) out << '\n' << details;
  if (!fix.empty()) out << "\n  fix: " << fix;
  return out.str();
}

DeadlockExplainer set_deadlock_explainer(DeadlockExplainer fn) noexcept { return explainer.exchange(fn); }

std::string explain_deadlock() noexcept {
  const DeadlockExplainer fn = explainer.load();
  if (fn == nullptr) return {};
  try {
    return fn();
  } catch (...) { // a report must still be made
    return {};
  }
}

void report(const PitfallReport& report) {
  std::lock_guard lock(sink_mutex);
  current_sink->report(report);
}

DiagnosticSink* set_sink(DiagnosticSink* sink) noexcept {
  std::lock_guard lock(sink_mutex);
  DiagnosticSink* previous = std::exchange(current_sink, sink != nullptr ? sink : &default_sink);
  return previous == &default_sink ? nullptr : previous;
}

std::chrono::nanoseconds slow_step_threshold() noexcept {
  return std::chrono::nanoseconds(threshold_ns.load(std::memory_order_relaxed));
}

std::chrono::nanoseconds set_slow_step_threshold(std::chrono::nanoseconds threshold) noexcept {
  return std::chrono::nanoseconds(threshold_ns.exchange(threshold.count()));
}

bool debug_checks() noexcept { return debug.load(std::memory_order_relaxed); }
bool set_debug_checks(bool on) noexcept { return debug.exchange(on); }

std::string format_duration(std::chrono::nanoseconds duration) {
  using namespace std::chrono;
  if (duration >= milliseconds(10)) return std::to_string(duration_cast<milliseconds>(duration).count()) + " ms";
  if (duration >= microseconds(10)) return std::to_string(duration_cast<microseconds>(duration).count()) + " us";
  return std::to_string(duration.count()) + " ns";
}

} // namespace aio
