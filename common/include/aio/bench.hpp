// What every benchmark program of the course shares: timing a workload (the best of several
// runs), the two variants the runtime is measured in (pitfall checks off and on), a process
// settled for timing, and the report: a table for people, or with --tsv the lines `./course
// bench` puts beside the same workloads in Python ("workload<TAB>variant<TAB>figure").
// A benchmark prints figures; it is never a test (machines here are too noisy for timed tests).
#pragma once

#include "aio/diagnostics.hpp"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace aio::bench {

/// One figure; every figure is lower-is-better (ns, ms, bytes).
struct Row {
  std::string workload; ///< What ran, with its unit: "call_soon 1M callbacks, then run them (ns)".
  std::string variant;  ///< Which runtime ran it: "aio", "aio, checks on".
  double figure;        ///< The figure.
};

/// The figures of one benchmark program, in the order they were measured.
class Report {
public:
  /// A report for a program run with `argv`: `--tsv` prints machine-readable lines.
  Report(int argc, char** argv) : tsv_(argc > 1 && std::strcmp(argv[1], "--tsv") == 0) {}
  /// Adds one figure.
  void add(std::string workload, std::string variant, double figure) {
    rows_.push_back({std::move(workload), std::move(variant), figure});
  }
  /// The figures so far.
  const std::vector<Row>& rows() const noexcept { return rows_; }
  /// True if it prints TSV lines: then notes meant for people are best left out.
  bool tsv() const noexcept { return tsv_; }

  /// Prints the figures: with --tsv one line each; otherwise `title`, then a table with one row
  /// per workload and one column per variant.
  void print(const char* title) const {
    if (tsv_) {
      for (const Row& row : rows_) std::printf("%s\t%s\t%.1f\n", row.workload.c_str(), row.variant.c_str(), row.figure);
      return;
    }
    std::vector<std::string> workloads, variants;
    for (const Row& row : rows_) {
      if (std::find(workloads.begin(), workloads.end(), row.workload) == workloads.end())
        workloads.push_back(row.workload);
      if (std::find(variants.begin(), variants.end(), row.variant) == variants.end()) variants.push_back(row.variant);
    }
    std::printf("%s (lower is better)\n\n%-52s", title, "");
    for (const std::string& variant : variants) std::printf(" %15s", variant.c_str());
    std::printf("\n");
    for (const std::string& workload : workloads) {
      std::printf("%-52s", workload.c_str());
      for (const std::string& variant : variants) {
        const auto row = std::find_if(rows_.begin(), rows_.end(),
                                      [&](const Row& r) { return r.workload == workload && r.variant == variant; });
        if (row == rows_.end()) {
          std::printf(" %15s", "-");
        } else {
          std::printf(" %15.1f", row->figure);
        }
      }
      std::printf("\n");
    }
  }

private:
  bool tsv_;
  std::vector<Row> rows_;
};

/// Runs `measure(variant)` twice: with the pitfall checks off ("aio") and on ("aio, checks on"),
/// as debug mode is in asyncio; then puts the checks back as they were.
template <class Measure>
void with_checks_off_and_on(Measure measure) {
  const bool previous = set_debug_checks(false);
  measure("aio");
  set_debug_checks(true);
  measure("aio, checks on");
  set_debug_checks(previous);
}

/// The least of `runs` timings of `body()`, in seconds: the run the machine disturbed least.
template <class Body>
double best_seconds(int runs, Body&& body) {
  double best = 1e300;
  for (int run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    body();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count());
  }
  return best;
}

/// The same, where each run first needs something built that is not to be timed: `prepare()`
/// builds it (a loop, the generators to drive), only `body(it)` is timed, and it is destroyed
/// once the clock has stopped.
template <class Prepare, class Body>
double best_seconds(int runs, Prepare&& prepare, Body&& body) {
  double best = 1e300;
  for (int run = 0; run < runs; ++run) {
    auto prepared = prepare();
    const auto start = std::chrono::steady_clock::now();
    body(*prepared);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count());
  }
  return best;
}

/// Settles the process for timing: freed memory is kept (glibc would give it back to the kernel
/// between runs, and every run would pay for fresh pages again: later runs then measure the
/// kernel, not the runtime), and no step is reported as slow (workloads that create a million
/// tasks in one step do it on purpose).
inline void settle_process() {
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  set_slow_step_threshold(std::chrono::hours(1));
}

} // namespace aio::bench
