// ch02_bench: what a co_await costs in the coroutine loop, with the pitfall checks off and on.
// A program that prints figures, not a test: run it with `./course bench 02` (Release build).
#include "coro/event_loop.hpp"
#include "coro/sleep.hpp"
#include "coro/task.hpp"

#include "aio/diagnostics.hpp"

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

namespace {

constexpr long transfers = 10'000'000;
constexpr long round_trips = 1'000'000;

coro::Task<int> one() { co_return 1; }

// Each co_await one(): a frame allocated, a transfer in, a transfer back, a frame freed.
coro::Task<long> await_many(long n) {
  long sum = 0;
  for (long i = 0; i < n; ++i) sum += co_await one();
  co_return sum;
}

// Each sleep(0): a timer pushed and popped, a pass of the loop, a resume.
coro::Task<> sleep_zero_many(long n) {
  for (long i = 0; i < n; ++i) co_await coro::sleep(0s);
}

template <class Body>
double ns_each(long count, bool checks, Body body) {
  aio::set_debug_checks(checks);
  double best = 1e300;
  for (int run = 0; run < 5; ++run) { // best of five: the least disturbed run
    coro::VirtualClock clock;
    const auto start = std::chrono::steady_clock::now();
    body(clock);
    const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count() / double(count));
  }
  return best;
}

} // namespace

int main() {
  aio::set_slow_step_threshold(std::chrono::hours(1)); // ten million awaits in one step is the point here
  std::printf("chapter 02: the cost of one co_await (best of 5 runs, virtual clock)\n\n");
  std::printf("%-44s %12s %12s\n", "", "checks off", "checks on");
  const auto row = [](const char* name, long count, auto body) {
    const double off = ns_each(count, false, body);
    const double on = ns_each(count, true, body);
    std::printf("%-44s %9.1f ns %9.1f ns\n", name, off, on);
  };
  row("co_await of a task that finishes at once", transfers,
      [](coro::Clock& clock) { (void)coro::run(await_many(transfers), clock); });
  row("co_await sleep(0): a round trip via the loop", round_trips,
      [](coro::Clock& clock) { coro::run(sleep_zero_many(round_trips), clock); });
  std::printf("\n'checks on' times every slice of every step, to name a coroutine that blocks the loop.\n");
}
