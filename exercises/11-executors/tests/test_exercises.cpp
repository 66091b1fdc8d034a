// Chapter 11 exercises. Compiled twice: against your files in exercises/11-executors/ (what
// ./course grade 11 runs) and against the reference answers in solutions/. Jobs run on real
// threads, pipelines on real processes, under the pitfall guard.
#include "parallel_map.hpp"
#include "pipeline.hpp"
#include "to_thread_for.hpp"

#include "aio/epoll_selector.hpp"
#include "aio/errors.hpp"
#include "aio/run.hpp"
#include "aio/task.hpp"
#include "aio/thread_pool.hpp"
#include "aio/timeout.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <latch>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using aio::Task;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

template <class T>
T run_io(Task<T> main) {
  aio::EpollSelector selector;
  return aio::run(std::move(main), {.selector = &selector});
}

// Counts the calls running at once; `wait_for_company` makes a call wait (up to 2 s) until
// that many run together, which only happens if they were submitted together.
struct Concurrency {
  std::mutex mutex;
  std::condition_variable changed;
  int running = 0;
  int most = 0;
  bool enter(int wait_for_company) {
    std::unique_lock lock(mutex);
    most = std::max(most, ++running);
    changed.notify_all();
    return changed.wait_for(lock, 2s, [&] { return running >= wait_for_company || most >= wait_for_company; });
  }
  void leave() {
    std::lock_guard lock(mutex);
    --running;
  }
};

} // namespace

// --- 11.1 parallel_map -----------------------------------------------------------------------

AIO_TEST_CASE("parallel_map: every result, in the order of the items", "[ex11.1]") {
  const auto main = []() -> Task<> {
    aio::ThreadPool pool(4);
    std::vector<int> items;
    for (int i = 1; i <= 20; ++i) items.push_back(i);
    const auto square = [](const int& x) { return x * x; };
    const std::vector<int> squares = co_await parallel_map(pool, square, items, 3);
    std::vector<int> expected;
    for (int i = 1; i <= 20; ++i) expected.push_back(i * i);
    CHECK(squares == expected);
  };
  aio::run(main());
}

AIO_TEST_CASE("parallel_map: the calls run on the pool's threads, never on the loop's", "[ex11.1]") {
  const auto main = []() -> Task<> {
    aio::ThreadPool pool(2);
    const std::thread::id loop = std::this_thread::get_id();
    const auto where = [](const int&) { return std::this_thread::get_id(); };
    const std::vector<std::thread::id> threads = co_await parallel_map(pool, where, std::vector<int>(6, 0), 2);
    REQUIRE(threads.size() == 6);
    CHECK(std::count(threads.begin(), threads.end(), loop) == 0);
  };
  aio::run(main());
}

AIO_TEST_CASE("parallel_map: in_flight calls run together, and never more, on a pool with room for more", "[ex11.1]") {
  const auto main = []() -> Task<> {
    aio::ThreadPool pool(8);
    Concurrency calls;
    std::atomic<int> waited_alone{0};
    const auto work = [&](const int&) {
      if (!calls.enter(3)) ++waited_alone; // three at once, or it says so after 2 s
      calls.leave();
      return 0;
    };
    (void)co_await parallel_map(pool, work, std::vector<int>(12, 0), 3);
    CHECK(calls.most == 3);          // never more than in_flight
    CHECK(waited_alone.load() == 0); // and in_flight of them did run at once
  };
  aio::run(main());
}

AIO_TEST_CASE("parallel_map: a call that throws makes the map throw it", "[ex11.1]") {
  const auto main = []() -> Task<> {
    aio::ThreadPool pool(2);
    const auto picky = [](const int& x) {
      if (x == 5) throw std::domain_error("no 5");
      return x;
    };
    const std::vector<int> items{1, 2, 5, 7};
    std::string what;
    try {
      (void)co_await parallel_map(pool, picky, items, 2);
    } catch (const std::domain_error& error) {
      what = error.what();
    }
    CHECK(what == "no 5");
  };
  aio::run(main());
}

AIO_TEST_CASE("parallel_map: in_flight 0 is refused with std::invalid_argument", "[ex11.1]") {
  const auto main = []() -> Task<> {
    aio::ThreadPool pool(1);
    const auto same = [](const int& x) { return x; };
    const std::vector<int> one{1};
    bool refused = false;
    try {
      (void)co_await parallel_map(pool, same, one, 0);
    } catch (const std::invalid_argument&) {
      refused = true;
    }
    CHECK(refused);
  };
  aio::run(main());
}

// --- 11.2 to_thread_for ----------------------------------------------------------------------

AIO_TEST_CASE("to_thread_for: a call that ends in time gives its value and logs nothing", "[ex11.2]") {
  const auto main = []() -> Task<> {
    std::ostringstream log;
    const auto quick = [] { return 42; };
    const std::optional<int> value = co_await to_thread_for(1s, quick, log);
    CHECK(value == 42);
    CHECK(log.str().empty());
  };
  aio::run(main());
}

AIO_TEST_CASE("to_thread_for: a slow call gives nothing after the timeout, says it runs on, and does finish",
              "[ex11.2]") {
  std::promise<void> finished;
  std::future<void> done = finished.get_future();
  std::ostringstream log;
  const auto main = [&]() -> Task<bool> {
    const auto slow = [&finished] {
      std::this_thread::sleep_for(300ms); // the blocking call (on a thread: the loop does not wait for it)
      finished.set_value();
      return 1;
    };
    const std::optional<int> value = co_await to_thread_for(20ms, slow, log);
    co_return value.has_value();
  };
  CHECK_FALSE(aio::run(main()));
  CHECK(log.str() == "to_thread_for: gave up after 20 ms; the call goes on in the background (a thread cannot be "
                     "stopped)\n");
  CHECK(done.wait_for(5s) == std::future_status::ready); // it did go on, to its end
}

AIO_TEST_CASE("to_thread_for: what the call throws in time is thrown", "[ex11.2]") {
  const auto main = []() -> Task<> {
    std::ostringstream log;
    const auto fails = []() -> int { throw std::runtime_error("disk on fire"); };
    std::string what;
    try {
      (void)co_await to_thread_for(1s, fails, log);
    } catch (const std::runtime_error& error) {
      what = error.what();
    }
    CHECK(what == "disk on fire");
  };
  aio::run(main());
}

// --- 11.3 pipeline ---------------------------------------------------------------------------

AIO_TEST_CASE("pipeline: printf | sort gives the sorted lines, and both exit codes", "[ex11.3]") {
  const auto main = []() -> Task<> {
    const std::vector<std::string> producer{"printf", "pear\\napple\\nfig\\n"};
    const std::vector<std::string> filter{"sort"};
    const PipelineResult result = co_await pipeline(producer, filter);
    CHECK(result.output == "apple\nfig\npear\n");
    CHECK(result.producer_code == 0);
    CHECK(result.filter_code == 0);
  };
  run_io(main());
}

AIO_TEST_CASE("pipeline: 4 MiB through cat arrive whole: the filter's output is read while it is fed", "[ex11.3]") {
  const auto main = []() -> Task<> {
    const std::vector<std::string> producer{"head", "-c", "4194304", "/dev/zero"}; // far more than the buffers between
    const std::vector<std::string> filter{"cat"};
    PipelineResult result;
    bool in_time = true;
    try { // a pipeline that feeds everything before reading anything waits forever: fail in 10 s instead
      result = co_await aio::wait_for(pipeline(producer, filter), 10s);
    } catch (const aio::TimeoutError&) {
      in_time = false;
    }
    REQUIRE(in_time);
    const std::string zeros(4194304, '\0');
    CHECK(result.output.size() == zeros.size());
    CHECK(result.output == zeros); // one memcmp, not a loop per byte in a single step
  };
  run_io(main());
}

AIO_TEST_CASE("pipeline: each side's exit code, and the filter's stdin ends with the producer's stdout", "[ex11.3]") {
  const auto main = []() -> Task<> {
    const std::vector<std::string> producer{"sh", "-c", "echo one; echo two; exit 3"};
    const std::vector<std::string> filter{"sh", "-c", "wc -l; exit 5"}; // wc answers at the end of its input
    const PipelineResult result = co_await pipeline(producer, filter);
    CHECK(result.output == "2\n");
    CHECK(result.producer_code == 3);
    CHECK(result.filter_code == 5);
  };
  run_io(main());
}

AIO_TEST_CASE("pipeline: a program that does not exist is an aio::OSError", "[ex11.3]") {
  const auto main = []() -> Task<> {
    const std::vector<std::string> producer{"no-such-producer-here"};
    const std::vector<std::string> filter{"cat"};
    bool refused = false;
    try {
      (void)co_await pipeline(producer, filter);
    } catch (const aio::OSError&) {
      refused = true;
    }
    CHECK(refused);
  };
  run_io(main());
}
