// ch04_bench: what tasks cost: a switch, a task's whole life, a million sleepers, a million timers.
// A program that prints figures, not a test. `./course bench 04` runs it in Release next to
// bench/tasks.py, the same workloads in Python's asyncio (and uvloop), side by side. Each workload runs in
// a process of its own (fork), so that its peak memory is its own; its first run there pays for
// the kernel's fresh pages (on this kind of virtual machine, ~0.5 us per task), the later runs
// show the runtime itself, as a long-running program sees it.
#include "aio/run.hpp"
#include "aio/sleep.hpp"

#include "aio/bench.hpp"
#include "aio/diagnostics.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr int million = 1'000'000;

// [workloads]
aio::Task<> yield_n_times(int n) {
  for (int i = 0; i < n; ++i) co_await aio::sleep(0s);
}

aio::Task<> switch_one_task() { co_await yield_n_times(million); }

aio::Task<> switch_thousand_tasks() {
  std::vector<aio::Task<>> tasks;
  for (int i = 0; i < 1000; ++i) tasks.push_back(aio::create_task(yield_n_times(million / 1000)));
  for (auto& task : tasks) co_await task;
}

aio::Task<> nothing() { co_return; }

aio::Task<> spawn_million() {
  for (int i = 0; i < million; ++i) aio::create_task(nothing()).detach();
  co_await aio::sleep(0s); // every task started before this ran, so every one has finished now
}

aio::Task<> sleep_one_second() { co_await aio::sleep(1s); }

aio::Task<> million_sleepers() {
  std::vector<aio::Task<>> tasks;
  tasks.reserve(million);
  for (int i = 0; i < million; ++i) tasks.push_back(aio::create_task(sleep_one_second()));
  for (auto& task : tasks) co_await task;
}

void million_timers() {
  aio::EventLoop loop;
  int fired = 0;
  for (int i = 0; i < million; ++i) loop.call_later(std::chrono::microseconds(i % 1000), [&fired] { ++fired; });
  loop.call_later(1ms, [&loop] { loop.stop(); });
  loop.run_forever();
  if (fired != million) std::abort();
}
// [workloads]

long resident_bytes() {
  long pages = 0, resident = 0;
  std::ifstream("/proc/self/statm") >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

struct Figures {
  double cold_seconds;   // the first run in a fresh process: every page of memory is new
  double warm_seconds;   // the best of the later runs, on memory the process already has
  double bytes_per_item; // peak memory added by the first run, per task (or timer)
};

// Runs `body` `runs` times in a child process of its own (at least twice).
Figures in_child(const std::function<void()>& body, int runs, bool checks) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) std::abort();
  const pid_t child = fork();
  if (child == 0) {
    aio::set_debug_checks(checks);
    aio::bench::settle_process();
    Figures figures{0, 1e300, 0};
    for (int run = 0; run < runs; ++run) {
      const long before = resident_bytes();
      const auto start = std::chrono::steady_clock::now();
      body();
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      if (run == 0) {
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        figures.cold_seconds = took.count();
        figures.bytes_per_item = (usage.ru_maxrss * 1024.0 - static_cast<double>(before)) / million;
      } else {
        figures.warm_seconds = std::min(figures.warm_seconds, took.count());
      }
    }
    if (write(pipe_fds[1], &figures, sizeof figures) != sizeof figures) _exit(1);
    _exit(0);
  }
  Figures figures{};
  const bool ok = read(pipe_fds[0], &figures, sizeof figures) == sizeof figures;
  int status = 0;
  waitpid(child, &status, 0);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  if (!ok || status != 0) {
    std::fprintf(stderr, "ch04_bench: a workload failed\n");
    std::exit(1);
  }
  return figures;
}

} // namespace

int main(int argc, char** argv) {
  aio::bench::Report report(argc, argv);
  const auto run = [](aio::Task<> (*main)()) { return [main] { aio::run(main()); }; };
  const auto ns = [](double seconds) { return seconds * 1e9 / million; };
  aio::bench::with_checks_off_and_on([&](const char* variant) {
    const bool checks = aio::debug_checks();
    const auto add = [&](const char* workload, double figure) { report.add(workload, variant, figure); };
    add("sleep(0) switch, 1 task (ns)", ns(in_child(run(switch_one_task), 5, checks).warm_seconds));
    add("sleep(0) switch, 1000 tasks (ns)", ns(in_child(run(switch_thousand_tasks), 5, checks).warm_seconds));
    const Figures spawn = in_child(run(spawn_million), 5, checks);
    add("spawn + finish 1M tasks (ns per task)", ns(spawn.warm_seconds));
    add("  spawn, first run in a new process (ns)", ns(spawn.cold_seconds));
    add("  spawn, peak memory (bytes per task)", spawn.bytes_per_item);
    const Figures sleepers = in_child(run(million_sleepers), 3, checks);
    add("1M tasks sleeping 1 s at once (wall ms)", sleepers.warm_seconds * 1e3);
    add("  sleepers, first run in a new process (ms)", sleepers.cold_seconds * 1e3);
    add("  sleepers, peak memory (bytes per task)", sleepers.bytes_per_item);
    add("1M call_later, scheduled and fired (ns)", ns(in_child(million_timers, 5, checks).warm_seconds));
  });
  report.print("chapter 04: tasks; each workload in a process of its own, best of the runs after its first");
}
