// The pitfall guard behind AIO_TEST_CASE.
#include "aio/testing/guard.hpp"

#include "aio/todo.hpp"

#include <catch2/catch.hpp>

namespace aio::testing {

void RecordingSink::report(const PitfallReport& report) {
  std::lock_guard lock(mutex_);
  reports_.push_back(report);
}

std::vector<PitfallReport> RecordingSink::reports() const {
  std::lock_guard lock(mutex_);
  return reports_;
}

std::size_t RecordingSink::count(Pitfall kind) const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& r : reports_) n += r.kind == kind ? 1 : 0;
  return n;
}

StepWatch& test_watch() {
  thread_local StepWatch watch;
  return watch;
}

void AwaitableSink::report(const PitfallReport& report) {
  {
    std::lock_guard lock(mutex_);
    reports_.push_back(report);
  }
  arrived_.notify_all();
}

std::string AwaitableSink::wait_for(const std::string& text, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::string found;
  arrived_.wait_for(lock, timeout, [&] {
    for (const auto& r : reports_) {
      if (r.summary.find(text) != std::string::npos) {
        found = r.summary;
        return true;
      }
    }
    return false;
  });
  return found;
}

std::vector<PitfallReport> AwaitableSink::reports() const {
  std::lock_guard lock(mutex_);
  return reports_;
}

namespace {

// Each pitfall becomes a failed check of its own, so all of them are shown, not just the first.
void fail_on_pitfalls(const RecordingSink& sink) {
  for (const auto& report : sink.reports()) {
    FAIL_CHECK(pitfall_prefix << report.text());
  }
}

} // namespace

void run_guarded(void (*body)()) {
  RecordingSink sink;
  {
    ScopedSink scoped(sink);
    ScopedThreshold threshold(guarded_slow_step);
    try {
      body();
    } catch (const NotImplemented& todo) {
      fail_on_pitfalls(sink);
      FAIL(not_started_prefix << todo.what());
    } catch (...) {
      fail_on_pitfalls(sink); // a pitfall is often why the test failed: show it with the failure
      throw;
    }
  }
  fail_on_pitfalls(sink);
}

} // namespace aio::testing
