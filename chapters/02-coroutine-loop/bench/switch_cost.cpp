// ch02_bench: what a co_await costs in the coroutine loop, with the pitfall checks off and on.
// A program that prints figures, not a test: run it with `./course bench 02` (Release build).
#include "coro/event_loop.hpp"
#include "coro/sleep.hpp"
#include "coro/task.hpp"

#include "aio/bench.hpp"

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

// Nanoseconds per operation, the best of five runs on a fresh virtual clock each.
template <class Body>
double ns_each(long count, Body body) {
  return aio::bench::best_seconds(5,
                                  [&] {
                                    coro::VirtualClock clock;
                                    body(clock);
                                  }) *
         1e9 / double(count);
}

} // namespace

int main(int argc, char** argv) {
  aio::bench::settle_process(); // ten million awaits in one step is the point here
  aio::bench::Report report(argc, argv);
  aio::bench::with_checks_off_and_on([&](const char* variant) {
    report.add("co_await of a task that finishes at once (ns)", variant,
               ns_each(transfers, [](coro::Clock& clock) { (void)coro::run(await_many(transfers), clock); }));
    report.add("co_await sleep(0): a round trip via the loop (ns)", variant,
               ns_each(round_trips, [](coro::Clock& clock) { coro::run(sleep_zero_many(round_trips), clock); }));
  });
  report.print("chapter 02: the cost of one co_await (best of 5 runs, virtual clock)");
  if (!report.tsv())
    std::printf("\n'checks on' times every slice of every step, to name a coroutine that blocks the loop.\n");
}
