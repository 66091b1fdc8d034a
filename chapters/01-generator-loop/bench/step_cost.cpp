// ch01_bench: what one step of the generator loop costs, with the pitfall checks off and on.
// A program that prints figures, not a test: run it with `./course bench 01` (Release build).
#include "genloop/event_loop.hpp"
#include "genloop/generator.hpp"

#include "aio/diagnostics.hpp"

#include <chrono>
#include <cstdio>

namespace {

constexpr int generators = 1000;
constexpr int steps = 1000; // per generator: one million loop steps in all

// The cheapest thing the loop can drive: a hand-written counter.
class Counter {
public:
  explicit Counter(int n) : left_(n) {}
  bool resume() { return --left_ > 0; }
  aio::Origin origin() const noexcept { return {"Counter", __FILE__, __LINE__}; }

private:
  int left_;
};

genloop::Generator<int> counter(int n) {
  for (int i = 1; i < n; ++i) co_yield i;
}

template <class Make>
double ns_per_step(bool checks, Make make) {
  aio::set_debug_checks(checks);
  double best = 1e300;
  for (int run = 0; run < 5; ++run) { // best of five: the least disturbed run
    genloop::EventLoop loop(nullptr);
    for (int g = 0; g < generators; ++g) loop.add(make(steps));
    const auto start = std::chrono::steady_clock::now();
    loop.run_forever();
    const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count() / (double(generators) * steps));
  }
  return best;
}

} // namespace

int main() {
  std::printf("chapter 01: one loop step, %d generators x %d steps (best of 5 runs)\n\n", generators, steps);
  std::printf("%-28s %12s %12s\n", "", "checks off", "checks on");
  const auto row = [](const char* name, auto make) {
    const double off = ns_per_step(false, make);
    const double on = ns_per_step(true, make);
    std::printf("%-28s %9.1f ns %9.1f ns\n", name, off, on);
  };
  row("hand-written Counter", [](int n) { return Counter(n); });
  row("Generator<int> coroutine", [](int n) { return counter(n); });
  std::printf("\n'checks on' reads the clock around every step, to report a step that blocks the loop.\n");
}
