// ch08_bench: what the primitives cost: a bounded Queue between two tasks, tasks through a
// Semaphore, a Lock passed between tasks. A program that prints figures, not a test. `./course
// bench 08` runs it in Release next to bench/sync.py, the same workloads in Python's asyncio (and
// uvloop), side by side.
// Each figure is the best of five runs: the first pays for the kernel's fresh pages (as in
// ch04_bench), the later ones show the runtime itself.
#include "aio/lock.hpp"
#include "aio/queue.hpp"
#include "aio/run.hpp"
#include "aio/semaphore.hpp"
#include "aio/sleep.hpp"

#include "aio/bench.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr int items = 1'000'000;
constexpr int semaphore_tasks = 100'000;
constexpr int lock_rounds = 100'000;

// [workloads]
aio::Task<> produce(aio::Queue<int>& queue) {
  for (int i = 0; i < items; ++i) co_await queue.put(i);
}

aio::Task<> consume(aio::Queue<int>& queue, long& sum) {
  for (int i = 0; i < items; ++i) sum += co_await queue.get();
}

aio::Task<> queue_million() { // one producer, one consumer, a Queue(100) between them
  aio::Queue<int> queue(100);
  long sum = 0;
  aio::Task<> producer = aio::create_task(produce(queue));
  co_await consume(queue, sum);
  co_await producer;
  if (sum != static_cast<long>(items) * (items - 1) / 2) std::abort();
}

aio::Task<> limited(aio::Semaphore& sem) {
  auto permit = co_await sem.scoped();
  co_await aio::sleep(0s);
}

aio::Task<> through_semaphore() { // 100,000 tasks, at most 100 at a time, each yielding once
  aio::Semaphore sem(100);
  std::vector<aio::Task<>> tasks;
  tasks.reserve(semaphore_tasks);
  for (int i = 0; i < semaphore_tasks; ++i) tasks.push_back(aio::create_task(limited(sem)));
  for (auto& task : tasks) co_await task;
}

aio::Task<> take_turns(aio::Lock& lock, long& counter) {
  for (int i = 0; i < lock_rounds; ++i) {
    auto guard = co_await lock.scoped();
    ++counter;
    co_await aio::sleep(0s); // holding it: the other task waits, and is handed it on release
  }
}

aio::Task<> lock_ping_pong() { // two tasks, one Lock, handed over at every release
  aio::Lock lock;
  long counter = 0;
  aio::Task<> other = aio::create_task(take_turns(lock, counter));
  co_await take_turns(lock, counter);
  co_await other;
  if (counter != 2L * lock_rounds) std::abort();
}
// [workloads]

// Seconds for one run of `workload`, the best of five.
double best_seconds(aio::Task<> (*workload)()) {
  return aio::bench::best_seconds(5, [workload] { aio::run(workload()); });
}

} // namespace

int main(int argc, char** argv) {
  aio::bench::settle_process();
  aio::bench::Report report(argc, argv);
  aio::bench::with_checks_off_and_on([&](const char* variant) {
    report.add("Queue(100) 1 producer 1 consumer (ns per item)", variant, best_seconds(queue_million) * 1e9 / items);
    report.add("100k tasks via Semaphore(100), yield once (ms)", variant, best_seconds(through_semaphore) * 1e3);
    report.add("Lock handed between 2 tasks (ns per acquire)", variant,
               best_seconds(lock_ping_pong) * 1e9 / (2.0 * lock_rounds));
  });
  report.print("chapter 08: synchronization; best of five runs");
  if (!report.tsv())
    std::printf("\nQueue throughput: %.1f M items/s (checks off)\n", 1e3 / report.rows().front().figure);
}
