// The thread pool and to_thread: jobs run on other threads, their outcomes come back to the
// loop's thread; cancelling, shutting down, a loop that ends first; call_soon_threadsafe under
// load; the wrong-thread check.
#include "aio/clock.hpp"
#include "aio/epoll_selector.hpp"
#include "aio/event.hpp"
#include "aio/gather.hpp"
#include "aio/resolve.hpp"
#include "aio/run.hpp"
#include "aio/server.hpp"
#include "aio/sleep.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"
#include "aio/thread_pool.hpp"
#include "aio/timeout.hpp"

#include "aio/testing/guard.hpp"

#include "io.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using aio::Task;
using Catch::Matchers::Contains;
using test11::run_io;
using namespace std::chrono_literals;

namespace {

// A gate a job waits at until the test opens it: a blocking call that ends when told.
// started() waits, on a thread of the default pool, until the job has reached the gate.
class Gate {
public:
  void wait() {
    reached_.count_down();
    opened_.wait();
  }
  void open() { opened_.count_down(); }
  Task<> started() {
    return aio::to_thread([this] { reached_.wait(); });
  }

private:
  std::latch reached_{1};
  std::latch opened_{1};
};

} // namespace

AIO_TEST_CASE("to_thread: the function runs on another thread, its value comes back on the loop's thread",
              "[ch11][thread_pool]") {
  const auto main = []() -> Task<> {
    const std::thread::id loop_thread = std::this_thread::get_id();
    const auto where = [] { return std::this_thread::get_id(); };
    const std::thread::id job_thread = co_await aio::to_thread(where);
    CHECK(job_thread != loop_thread);
    CHECK(std::this_thread::get_id() == loop_thread); // resumed where it was
    const auto twice = [](int n) { return 2 * n; };
    const int doubled = co_await aio::to_thread(twice, 21);
    CHECK(doubled == 42);
  };
  aio::run(main());
}

AIO_TEST_CASE("to_thread: what the function throws is rethrown in the task", "[ch11][thread_pool]") {
  const auto main = []() -> Task<> {
    const auto fails = []() -> int { throw std::invalid_argument("bad input"); };
    bool caught = false;
    try {
      (void)co_await aio::to_thread(fails);
    } catch (const std::invalid_argument& error) {
      caught = std::string(error.what()) == "bad input";
    }
    CHECK(caught);
  };
  aio::run(main());
}

AIO_TEST_CASE("The seeds' five blocking calls run at once on a pool: each waits until all five have started",
              "[ch11][thread_pool][seeds]") {
  const auto main = []() -> Task<> {
    aio::ThreadPool pool(5);
    std::latch all_started(5); // a job returns only once all five run at the same time
    const auto blocking = [&all_started](int data) {
      all_started.arrive_and_wait();
      return data * 2;
    };
    std::vector<Task<int>> calls;
    for (int i = 0; i < 5; ++i) calls.push_back(aio::run_in_executor(pool, blocking, i));
    const std::vector<int> results = co_await aio::gather(std::move(calls));
    CHECK(results == std::vector<int>{0, 2, 4, 6, 8});
    CHECK(pool.threads() == 5);
  };
  aio::run(main());
}

AIO_TEST_CASE("ThreadPool: threads start only when no idle one can take the job", "[ch11][thread_pool]") {
  const auto main = []() -> Task<> {
    aio::ThreadPool pool(4);
    CHECK(pool.threads() == 0);
    const auto nothing = [] {};
    for (int i = 0; i < 10; ++i) co_await aio::run_in_executor(pool, nothing); // one at a time
    CHECK(pool.threads() == 1);
    CHECK(pool.max_workers() == 4);
  };
  aio::run(main());
  CHECK(aio::ThreadPool::default_workers() == std::min<std::size_t>(32, std::thread::hardware_concurrency() + 4));
}

AIO_TEST_CASE("Cancelling a task whose job is still queued: the job never runs", "[ch11][thread_pool][cancel]") {
  const auto main = []() -> Task<> {
    aio::ThreadPool pool(1);
    Gate gate;
    bool second_ran = false;
    const auto first = [&gate] { gate.wait(); };
    const auto second = [&second_ran] { second_ran = true; };
    Task<> busy = aio::create_task(aio::run_in_executor(pool, first)); // holds the only thread
    Task<> queued = aio::create_task(aio::run_in_executor(pool, second));
    co_await aio::sleep(0s);
    co_await aio::sleep(0s); // both submitted
    queued.cancel();
    co_await aio::sleep(0s);
    CHECK(queued.cancelled());
    gate.open();
    co_await busy;
    pool.shutdown(true); // every job the thread would take has been taken
    CHECK_FALSE(second_ran);
  };
  aio::run(main());
}

namespace {
// A value that counts how many of its kind are alive (to see a dropped result destroyed).
struct Counted {
  explicit Counted(std::atomic<int>& alive) : alive(&alive) { ++alive; }
  Counted(Counted&& other) noexcept : alive(other.alive) { ++*alive; }
  Counted& operator=(Counted&&) = delete;
  ~Counted() { --*alive; }
  std::atomic<int>* alive;
};
} // namespace

AIO_TEST_CASE("Cancelling a task whose job runs: the task ends at once, the thread finishes and its value is dropped",
              "[ch11][thread_pool][cancel]") {
  std::atomic<int> alive{0};
  aio::ThreadPool pool(1);
  Gate gate;
  std::atomic<bool> finished{false};
  const auto main = [&]() -> Task<> {
    const auto slow = [&] {
      gate.wait(); // the blocking call: it cannot be interrupted
      finished = true;
      return Counted(alive);
    };
    Task<Counted> job = aio::create_task(aio::run_in_executor(pool, slow));
    co_await gate.started();
    job.cancel();
    co_await aio::sleep(0s);
    CHECK(job.cancelled()); // without waiting for the thread
    CHECK_FALSE(finished.load());
  };
  aio::run(main());
  gate.open();
  pool.shutdown(true);
  CHECK(finished.load());
  CHECK(alive.load() == 0); // made on the thread, dropped there: nothing leaked
}

AIO_TEST_CASE("A job that outlives its loop: its value, sent after the loop is gone, is dropped without a leak",
              "[ch11][thread_pool][lifetime]") {
  std::atomic<int> alive{0};
  aio::ThreadPool pool(1);
  Gate gate;
  const auto main = [&]() -> Task<bool> {
    const auto slow = [&] {
      gate.wait();
      return Counted(alive);
    };
    try {
      (void)co_await aio::wait_for(aio::run_in_executor(pool, slow), 10ms); // the job cannot end before the gate opens
    } catch (const aio::TimeoutError&) {
      co_return true;
    }
    co_return false;
  };
  CHECK(aio::run(main())); // the loop is closed and destroyed, the job still runs
  gate.open();             // only now does it end, and find nobody to send its value to
  pool.shutdown(true);
  CHECK(alive.load() == 0);
}

AIO_TEST_CASE("A job in flight keeps the loop waiting: no deadlock report, and a virtual clock does not jump",
              "[ch11][thread_pool][virtual_time]") {
  aio::VirtualClock clock;
  const auto main = []() -> Task<> {
    aio::EventLoop& loop = aio::EventLoop::get_running_loop();
    const aio::TimePoint start = loop.time();
    const auto nap = []() -> Task<> { co_await aio::sleep(1h); };
    Task<> sleeper = aio::create_task(nap()); // the clock would jump to it if it could
    const auto blocking = [] {
      std::this_thread::sleep_for(20ms); // the blocking call the job is for
      return 7;
    };
    const int value = co_await aio::to_thread(blocking);
    CHECK(value == 7);
    CHECK(loop.time() == start); // the job's 20 ms of real time did not let virtual time run ahead
    co_await sleeper;
    CHECK(loop.time() - start == aio::Duration(1h));
  };
  run_io(main(), clock);
}

AIO_TEST_CASE("shutdown(cancel_futures): queued jobs end their tasks with CancelledError, new ones are refused",
              "[ch11][thread_pool][shutdown]") {
  const auto main = []() -> Task<> {
    aio::ThreadPool pool(1);
    Gate gate;
    const auto first = [&gate] { gate.wait(); };
    const auto second = [] { return 1; };
    Task<> busy = aio::create_task(aio::run_in_executor(pool, first));
    co_await gate.started(); // the only thread is taken
    Task<int> queued = aio::create_task(aio::run_in_executor(pool, second));
    co_await aio::sleep(0s);    // queued behind it
    pool.shutdown(false, true); // from the loop's thread, without waiting
    gate.open();
    co_await busy; // a running job is never cancelled by shutdown
    bool cancelled = false;
    try {
      co_await queued;
    } catch (const aio::CancelledError&) {
      cancelled = true;
    }
    CHECK(cancelled);
    std::string refused;
    try {
      co_await aio::run_in_executor(pool, first);
    } catch (const std::runtime_error& error) {
      refused = error.what();
    }
    CHECK(refused == "cannot schedule new futures after shutdown");
  };
  aio::run(main());
}

TEST_CASE("call_soon_threadsafe: 4 threads x 250,000 callbacks, each runs once, each thread's in order",
          "[ch11][threads]") {
  constexpr int threads = 4;
  constexpr int each = 250'000;
  aio::EventLoop loop;
  std::vector<int> next(threads, 0); // touched on the loop's thread only
  int out_of_order = 0;
  int ran = 0;
  std::vector<std::thread> senders;
  {
    aio::EventLoop::WorkGuard working(loop); // the loop waits for the senders, never reports a deadlock
    for (int t = 0; t < threads; ++t) {
      senders.emplace_back([&, t, guard = aio::EventLoop::WorkGuard(loop)]() mutable {
        for (int i = 0; i < each; ++i)
          loop.call_soon_threadsafe([&, t, i] {
            if (next[t] != i) ++out_of_order;
            next[t] = i + 1;
            if (++ran == threads * each) loop.stop();
          });
        guard.reset();
      });
    }
  }
  loop.run_forever();
  for (std::thread& sender : senders) sender.join();
  CHECK(ran == threads * each);
  CHECK(out_of_order == 0);
  CHECK(next == std::vector<int>(threads, each));
}

TEST_CASE("Pitfall: call_soon from a job's thread while the loop runs is reported and refused", "[ch11][pitfalls]") {
  aio::testing::RecordingSink sink;
  aio::ScopedSink scoped(sink);
  const auto main = []() -> Task<std::string> {
    aio::EventLoop& loop = aio::EventLoop::get_running_loop();
    const auto touches_the_loop = [&loop]() -> std::string {
      try {
        loop.call_soon([] {}); // the mistake: not call_soon_threadsafe
        return "accepted";
      } catch (const std::logic_error& error) {
        return error.what();
      }
    };
    co_return co_await aio::to_thread(touches_the_loop);
  };
  CHECK_THAT(aio::run(main()), Contains("called from another thread: use call_soon_threadsafe"));
  REQUIRE(sink.count(aio::Pitfall::wrong_thread) == 1);
  CHECK_THAT(sink.reports().front().fix, Contains("call_soon_threadsafe") && Contains("aio::to_thread"));
}

AIO_TEST_CASE("getaddrinfo runs on a thread, and open_connection looks names up through it", "[ch11][resolve]") {
  const auto main = []() -> Task<> {
    const std::vector<aio::Address> found = co_await aio::getaddrinfo("LOCALHOST", 80); // names ignore case
    REQUIRE_FALSE(found.empty());
    CHECK(found.front().host == "127.0.0.1");
    CHECK(found.front().port == 80);
    const auto echo = [](aio::StreamReader reader, aio::StreamWriter writer) -> Task<> {
      writer.write(co_await reader.readline());
      co_await writer.drain();
      writer.close();
    };
    aio::Server server = co_await aio::start_server(echo, "127.0.0.1", 0);
    // Only the exact "localhost" is taken as numeric: this one goes through getaddrinfo.
    auto [reader, writer] = co_await aio::open_connection("LocalHost", server.sockets().at(0).port);
    writer.write("by name\n");
    const std::string echoed = co_await reader.readline();
    CHECK(echoed == "by name\n");
    writer.close();
    co_await writer.wait_closed();
    server.close();
    co_await server.wait_closed();
  };
  run_io(main());
}

AIO_TEST_CASE("getaddrinfo: a name that does not exist is a GaiError with getaddrinfo's reason", "[ch11][resolve]") {
  const auto main = []() -> Task<> {
    std::string what;
    try {
      (void)co_await aio::getaddrinfo("no-such-host.invalid", 80); // RFC 6761: never resolves
    } catch (const aio::GaiError& error) {
      what = error.what();
    }
    CHECK_THAT(what, Contains("getaddrinfo no-such-host.invalid: "));
  };
  aio::run(main());
}
