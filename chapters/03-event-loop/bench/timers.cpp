// ch03_bench: what the loop's callbacks and timers cost, with the pitfall checks off and on.
// A program that prints figures, not a test. `./course bench 03` runs it in Release next to
// bench/timers.py, the same workloads in Python's asyncio, and prints both side by side.
#include "aio/event_loop.hpp"

#include "aio/bench.hpp"

#include <chrono>
#include <memory>

using namespace std::chrono_literals;

namespace {

constexpr int count = 1'000'000;

// A fresh loop on a virtual clock, built and destroyed outside the timing.
struct Fixture {
  aio::VirtualClock clock;
  aio::EventLoop loop{clock};
};

// Nanoseconds per operation, the best of five runs, each on a fresh loop.
template <class Body>
double ns_each(Body body) {
  return aio::bench::best_seconds(
             5, [] { return std::make_unique<Fixture>(); }, [&](Fixture& f) { body(f.loop); }) *
         1e9 / count;
}

} // namespace

int main(int argc, char** argv) {
  aio::bench::Report report(argc, argv);
  aio::bench::with_checks_off_and_on([&](const char* variant) {
    const auto measure = [&](const char* workload, auto body) { report.add(workload, variant, ns_each(body)); };
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
  });
  report.print("chapter 03: callbacks and timers, ns each (best of 5 runs, virtual clock)");
}
