// Chapter 11's demos: blocking calls on a thread pool, CPU-bound work on threads and processes,
// a blocking fetch fixed with to_thread, the wrong-thread check, a subprocess pipeline.
#include "demos.hpp"

#include "aio/epoll_selector.hpp"
#include "aio/event_loop.hpp"
#include "aio/gather.hpp"
#include "aio/process_pool.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/subprocess.hpp"
#include "aio/task.hpp"
#include "aio/thread_pool.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace aio::demos {
namespace {

using namespace std::chrono_literals;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string fixed(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// [seeds-blocking]
// The seed's blocking_operation: time.sleep(1), then data * 2.
int blocking_operation(int data, Duration each) {
  std::this_thread::sleep_for(each);
  return data * 2;
}

// As the seed writes it: a pool per call (`with ThreadPoolExecutor() as pool:`), whose
// destructor waits for its thread, as the with block's end does. One shared pool is cheaper.
Task<int> run_in_executor_seed(int data, Duration each) {
  ThreadPool pool;
  co_return co_await run_in_executor(pool, blocking_operation, data, each);
}

Task<> five_blocking_calls(Duration each) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<Task<int>> calls;
  for (int i = 0; i < 5; ++i) calls.push_back(run_in_executor_seed(i, each));
  const std::vector<int> results = co_await gather(std::move(calls));
  std::cout << '[';
  for (std::size_t i = 0; i < results.size(); ++i) std::cout << (i != 0 ? ", " : "") << results[i];
  std::cout << "]\n";
  const double took = seconds_since(start);
  std::cout << "5 blocking calls of " << fixed(std::chrono::duration<double>(each).count(), 2) << " s each took "
            << fixed(took, 2) << " s: they ran at once, each on a thread of its own\n";
}
// [seeds-blocking]

// [cpu-bound]
// The book's cpu_bound_task, on a part of the range: the sum of i*i for lo <= i < hi. The full
// sum passes 2^64 (1.8e19): it needs 128 bits, which Python's integers have without asking.
unsigned __int128 sum_of_squares(long long lo, long long hi) {
  unsigned __int128 sum = 0;
  for (long long i = lo; i < hi; ++i) sum += static_cast<unsigned __int128>(i) * static_cast<unsigned __int128>(i);
  return sum;
}

Task<> sum_in_a_process(long long n) {
  ProcessPool pool; // as the seed's `with ProcessPoolExecutor() as pool:`
  const unsigned __int128 result = co_await run_in_executor(pool, &sum_of_squares, 0LL, n);
  std::cout << "Result: " << to_decimal(result) << '\n';
}

// The same sum, cut into `parts` ranges, each run by `run_part`; checks the total.
template <class RunPart>
Task<double> timed_parts(long long n, int parts, RunPart run_part, unsigned __int128 expected) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<Task<unsigned __int128>> jobs;
  for (int p = 0; p < parts; ++p) jobs.push_back(run_part(n * p / parts, n * (p + 1) / parts));
  unsigned __int128 total = 0;
  for (unsigned __int128 part : co_await gather(std::move(jobs))) total += part;
  if (total != expected) throw std::logic_error("the parts do not add up");
  co_return seconds_since(start);
}

Task<> compare_executors(long long n) {
  const int cpus = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto start = std::chrono::steady_clock::now();
  const unsigned __int128 expected = sum_of_squares(0, n); // on the loop's own thread: it blocks the loop
  const double inline_time = seconds_since(start);
  ThreadPool threads(static_cast<std::size_t>(cpus));
  ProcessPool processes(static_cast<std::size_t>(cpus));
  (void)co_await run_in_executor(processes, &sum_of_squares, 0LL, 0LL); // workers started before timing
  const auto on_threads = [&threads](long long lo, long long hi) {
    return run_in_executor(threads, &sum_of_squares, lo, hi);
  };
  const auto on_processes = [&processes](long long lo, long long hi) {
    return run_in_executor(processes, &sum_of_squares, lo, hi);
  };
  const double one_thread = co_await timed_parts(n, 1, on_threads, expected);
  const double n_threads = co_await timed_parts(n, cpus, on_threads, expected);
  const double n_processes = co_await timed_parts(n, cpus, on_processes, expected);
  const auto row = [](const std::string& where, double seconds, const char* loop) {
    std::cout << "| " << where << std::string(where.size() < 30 ? 30 - where.size() : 0, ' ') << " | "
              << fixed(seconds, 3) << "   | " << loop << " |\n";
  };
  std::cout << "sum of i*i for i < " << n << ", on this machine's " << cpus << " CPUs:\n"
            << "| where                          | seconds | the loop meanwhile |\n"
            << "|--------------------------------|---------|--------------------|\n";
  row("the loop's own thread", inline_time, "blocked           ");
  row("1 thread (run_in_executor)", one_thread, "free              ");
  row(std::to_string(cpus) + " threads, a part each", n_threads, "free              ");
  row(std::to_string(cpus) + " processes, a part each", n_processes, "free              ");
  std::cout << "C++ has no GIL: threads use every CPU, as processes do, and share memory instead of copying\n";
}
// [cpu-bound]

// [fixed-fetch]
// Chapter 09's blocking fetch_data, with the blocking sleep (a stand-in for a library call that
// blocks) moved to a thread: the loop runs the other fetches meanwhile.
Task<std::string> fetch_data(int n) {
  const auto blocking_call = [] { std::this_thread::sleep_for(200ms); };
  co_await to_thread(blocking_call);
  co_return "Result-" + std::to_string(n);
}
// [fixed-fetch]

Task<> three_fetches() {
  const auto start = std::chrono::steady_clock::now();
  auto [a, b, c] = co_await gather(fetch_data(1), fetch_data(2), fetch_data(3));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::cout << "co_await aio::to_thread(blocking call): " << a << ' ' << b << ' ' << c << " in about "
            << (took.count() + 50) / 100 * 100 << " ms\n";
}

// [wrong-thread]
Task<> from_another_thread() {
  EventLoop& loop = EventLoop::get_running_loop();
  int told = 0;
  const auto wrong = [&loop, &told] {
    try {
      loop.call_soon([&told] { ++told; }); // the mistake: the loop's queues are not thread-safe
    } catch (const std::logic_error& error) {
      std::cout << "refused: " << error.what() << '\n';
    }
  };
  co_await to_thread(wrong);
  const auto right = [&loop, &told] { loop.call_soon_threadsafe([&told] { ++told; }); };
  co_await to_thread(right);
  co_await sleep(0s); // the callback it sent runs on the loop's next pass
  std::cout << "call_soon_threadsafe: the callback ran " << told << " time on the loop's thread\n";
}
// [wrong-thread]

// [pipeline]
// printf '...' | sort, with the loop in the middle: what the first writes, the second reads.
Task<> producer_to_sort() {
  const std::vector<std::string> words{"%s\n", "pear", "apple", "fig", "cherry"};
  Process producer = co_await create_subprocess_exec("printf", words, {.out = PIPE});
  Process sort = co_await create_subprocess_exec("sort", {}, {.in = PIPE, .out = PIPE});
  for (std::string chunk; !(chunk = co_await producer.out().read(64 * 1024)).empty();) {
    sort.in().write(chunk);
    co_await sort.in().drain();
  }
  sort.in().close();
  const std::string sorted = co_await sort.out().read();
  const int first = co_await producer.wait();
  const int second = co_await sort.wait();
  std::cout << "printf | sort:\n" << sorted << "exit codes " << first << " and " << second << '\n';
}
// [pipeline]

template <class T>
T run_io(Task<T> main) {
  EpollSelector selector;
  return run(std::move(main), {.selector = &selector});
}

} // namespace

std::string to_decimal(unsigned __int128 value) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  return digits;
}

void blocking_calls(Duration each) { run(five_blocking_calls(each)); }

void cpu_bound() {
  run_io(sum_in_a_process(10'000'000));
  run_io(compare_executors(200'000'000)); // long enough for the parts to be worth a thread
}

void blocking_sleep_fixed() { run(three_fetches()); }

void wrong_thread() { run(from_another_thread()); }

void pipeline() { run_io(producer_to_sort()); }

} // namespace aio::demos
