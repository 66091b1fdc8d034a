// ch01_bench: what one step of the generator loop costs, with the pitfall checks off and on.
// A program that prints figures, not a test: run it with `./course bench 01` (Release build).
#include "genloop/event_loop.hpp"
#include "genloop/generator.hpp"

#include "aio/bench.hpp"

#include <cstdio>
#include <memory>

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

// Nanoseconds per loop step, the best of five runs; adding the generators is not timed.
template <class Make>
double ns_per_step(Make make) {
  const auto prepare = [&] {
    auto loop = std::make_unique<genloop::EventLoop>(nullptr);
    for (int g = 0; g < generators; ++g) loop->add(make(steps));
    return loop;
  };
  return aio::bench::best_seconds(5, prepare, [](genloop::EventLoop& loop) { loop.run_forever(); }) * 1e9 /
         (double(generators) * steps);
}

} // namespace

int main(int argc, char** argv) {
  aio::bench::Report report(argc, argv);
  aio::bench::with_checks_off_and_on([&](const char* variant) {
    report.add("hand-written Counter, one step (ns)", variant, ns_per_step([](int n) { return Counter(n); }));
    report.add("Generator<int> coroutine, one step (ns)", variant, ns_per_step([](int n) { return counter(n); }));
  });
  report.print("chapter 01: one loop step, 1000 generators x 1000 steps (best of 5 runs)");
  if (!report.tsv())
    std::printf("\n'checks on' reads the clock around every step, to report a step that blocks the loop.\n");
}
