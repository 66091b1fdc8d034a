// ch03_bench: what the loop's callbacks and timers cost, with the pitfall checks off and on.
// A program that prints figures, not a test. `./course bench 03` runs it in Release next to
// bench/timers.py, the same workloads in Python's asyncio, and prints both side by side;
// `--tsv` prints one "workload<TAB>variant<TAB>ns" line per figure for that.
#include "aio/event_loop.hpp"

#include "aio/diagnostics.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr int count = 1'000'000;

template <class Body>
double ns_each(bool checks, Body body) {
  aio::set_debug_checks(checks);
  double best = 1e300;
  for (int run = 0; run < 5; ++run) { // best of five: the least disturbed run
    aio::VirtualClock clock;
    aio::EventLoop loop(clock);
    const auto start = std::chrono::steady_clock::now();
    body(loop);
    const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count() / count);
  }
  return best;
}

struct Row {
  const char* workload;
  double off;
  double on;
};

} // namespace

int main(int argc, char** argv) {
  const bool tsv = argc > 1 && std::strcmp(argv[1], "--tsv") == 0;
  std::vector<Row> rows;
  const auto measure = [&rows](const char* workload, auto body) {
    rows.push_back({workload, ns_each(false, body), ns_each(true, body)});
  };
  // [workloads]
  measure("call_soon 1M callbacks, then run them (ns)", [](aio::EventLoop& loop) {
    for (int i = 0; i < count; ++i) loop.call_soon([] {});
    loop.call_soon([&loop] { loop.stop(); });
    loop.run_forever();
  });
  measure("call_at 1M past deadlines, run in order (ns)", [](aio::EventLoop& loop) {
    const aio::TimePoint now = loop.time();
    for (int i = 0; i < count; ++i) loop.call_at(now - std::chrono::microseconds(count - i), [] {});
    loop.call_soon([&loop] { loop.stop(); });
    loop.run_forever();
  });
  measure("call_later then cancel, 1M times (ns)", [](aio::EventLoop& loop) {
    for (int i = 0; i < count; ++i) loop.call_later(1s, [] {}).cancel();
  });
  // [workloads]

  if (tsv) {
    for (const Row& row : rows)
      std::printf("%s\taio\t%.1f\n%s\taio, checks on\t%.1f\n", row.workload, row.off, row.workload, row.on);
    return 0;
  }
  std::printf("chapter 03: callbacks and timers, ns each (best of 5 runs, virtual clock)\n\n");
  std::printf("%-52s %12s %12s\n", "", "checks off", "checks on");
  for (const Row& row : rows) std::printf("%-52s %9.1f ns %9.1f ns\n", row.workload, row.off, row.on);
}
