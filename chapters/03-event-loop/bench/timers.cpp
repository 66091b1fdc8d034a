// ch03_bench: what the loop's callbacks and timers cost, with the pitfall checks off and on.
// A program that prints figures, not a test: run it with `./course bench 03` (Release build).
#include "aio/event_loop.hpp"

#include "aio/diagnostics.hpp"

#include <chrono>
#include <cstdio>

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

} // namespace

int main() {
  std::printf("chapter 03: one million callbacks and timers (best of 5 runs, virtual clock)\n\n");
  std::printf("%-52s %12s %12s\n", "", "checks off", "checks on");
  const auto row = [](const char* name, auto body) {
    const double off = ns_each(false, body);
    const double on = ns_each(true, body);
    std::printf("%-52s %9.1f ns %9.1f ns\n", name, off, on);
  };
  row("call_soon, then run (each)", [](aio::EventLoop& loop) {
    for (int i = 0; i < count; ++i) loop.call_soon([] {});
    loop.call_soon([&loop] { loop.stop(); });
    loop.run_forever();
  });
  row("call_later at 1M distinct times, then fire (each)", [](aio::EventLoop& loop) {
    for (int i = 0; i < count; ++i) loop.call_later(std::chrono::microseconds(count - i), [] {});
    loop.call_later(2s, [&loop] { loop.stop(); });
    loop.run_forever();
  });
  row("call_later then cancel (each)", [](aio::EventLoop& loop) {
    for (int i = 0; i < count; ++i) loop.call_later(1s, [] {}).cancel();
  });
  std::printf("\nEach callback is a small allocation (its Handle can outlive it); coroutines (chapter 04)\n"
              "are scheduled through nodes in their own frames and allocate nothing.\n");
}
