// ch11_bench: what a job's round trip costs: to_thread of an empty function, one at a time
// (submit, a worker wakes, runs it, the loop wakes, the task resumes), and 100,000 jobs through
// a 4-thread pool at once. A program that prints figures, not a test. `./course bench 11` runs
// it in Release next to bench/executors.py, the same workloads in asyncio (and uvloop).
#include "aio/gather.hpp"
#include "aio/run.hpp"
#include "aio/thread_pool.hpp"

#include "aio/bench.hpp"

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

constexpr int round_trips = 20'000;
constexpr int jobs = 100'000;

int nothing(int n) { return n; }

// [workloads]
aio::Task<> one_at_a_time() { // each job's outcome is back before the next is submitted
  long sum = 0;
  for (int i = 0; i < round_trips; ++i) sum += co_await aio::to_thread(nothing, i);
  if (sum != static_cast<long>(round_trips) * (round_trips - 1) / 2) std::abort();
}

aio::Task<> all_at_once() { // 100,000 tasks, each with a job, on 4 threads
  aio::ThreadPool pool(4);
  std::vector<aio::Task<int>> calls;
  calls.reserve(jobs);
  for (int i = 0; i < jobs; ++i) calls.push_back(aio::run_in_executor(pool, nothing, i));
  long sum = 0;
  for (int value : co_await aio::gather(std::move(calls))) sum += value;
  if (sum != static_cast<long>(jobs) * (jobs - 1) / 2) std::abort();
}
// [workloads]

double best_seconds(aio::Task<> (*workload)()) {
  return aio::bench::best_seconds(5, [workload] { aio::run(workload()); });
}

} // namespace

int main(int argc, char** argv) {
  aio::bench::settle_process();
  aio::bench::Report report(argc, argv);
  aio::bench::with_checks_off_and_on([&](const char* variant) {
    report.add("to_thread round trip, one at a time (ns per call)", variant,
               best_seconds(one_at_a_time) * 1e9 / round_trips);
    report.add("100k jobs through a 4-thread pool (ns per job)", variant, best_seconds(all_at_once) * 1e9 / jobs);
  });
  report.print("chapter 11: executors; best of five runs");
}
