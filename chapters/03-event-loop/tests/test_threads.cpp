// Other threads and the loop: call_soon_threadsafe, wake-ups, and work in progress outside the
// loop. No test sleeps to synchronise: threads wait for each other on latches and on what the
// loop runs. Built and run under the tsan preset too.
#include "aio/event_loop.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <latch>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using aio::EventLoop;
using aio::VirtualClock;
using aio::testing::RecordingSink;
using namespace std::chrono_literals;

namespace {

// The loop's own kind of selector, counting the wake-ups it is asked for.
class CountingWakeups final : public aio::Selector {
public:
  bool has_sources() const noexcept override { return false; }
  std::size_t select(EventLoop& loop, std::optional<aio::Duration> timeout) override {
    return inner_.select(loop, timeout);
  }
  void wakeup() noexcept override {
    wakeups.fetch_add(1, std::memory_order_relaxed);
    inner_.wakeup();
  }
  std::atomic<std::size_t> wakeups{0};

private:
  aio::TimerSelector inner_;
};

} // namespace

// [threadsafe-test]
AIO_TEST_CASE("call_soon_threadsafe from 4 threads x 250,000: each callback runs once, in its thread's "
              "order, and the loop is woken far fewer times than it is called",
              "[ch03][threads]") {
  constexpr int threads = 4;
  constexpr int per_thread = 250'000;
  // Four busy senders share the machine's cores with the loop: a step of it may be preempted
  // for longer than the test harness's blocked-loop limit, which is not what this test is about.
  aio::testing::ScopedThreshold threshold(10s);
  CountingWakeups selector;
  EventLoop loop(aio::steady_clock(), selector);
  std::vector<int> next(threads, 0); // only the loop's thread touches these
  int out_of_order = 0;
  int ran = 0;
  std::vector<std::thread> senders;
  for (int t = 0; t < threads; ++t) {
    // Counted before the thread starts: the loop waits for it instead of reporting a deadlock.
    senders.emplace_back([&loop, &next, &out_of_order, &ran, t, work = EventLoop::WorkGuard(loop)] {
      for (int i = 0; i < per_thread; ++i) {
        loop.call_soon_threadsafe([&next, &out_of_order, &ran, &loop, t, i] {
          if (next[t] != i) ++out_of_order;
          next[t] = i + 1;
          if (++ran == threads * per_thread) loop.stop();
        });
      }
    });
  }
  loop.run_forever();
  for (std::thread& sender : senders) sender.join();
  CHECK(ran == threads * per_thread);
  CHECK(out_of_order == 0);
  CHECK(next == std::vector<int>(threads, per_thread));
  const std::size_t wakeups = selector.wakeups.load();
  INFO("wake-ups: " << wakeups << " for " << threads * per_thread << " calls");
  CHECK(wakeups * 100 < threads * per_thread); // one per burst, and none while the loop is busy
}
// [threadsafe-test]

AIO_TEST_CASE("a loop asleep with nothing to do but wait for another thread wakes for what it sends",
              "[ch03][threads]") {
  EventLoop loop; // real time, no timer: it can only sleep in its selector until woken
  std::latch started(1);
  std::string got;
  std::thread worker;
  {
    EventLoop::WorkGuard work(loop);
    worker = std::thread([&loop, &started, work = std::move(work)]() mutable {
      started.wait(); // the loop has made its first pass, and goes to sleep
      loop.call_soon_threadsafe([&loop] { loop.call_soon([&loop] { loop.stop(); }); });
      work.reset(); // result sent first, then the work is over
    });
  }
  loop.call_soon([&] {
    got = "first pass";
    started.count_down();
  });
  loop.run_forever();
  worker.join();
  CHECK(got == "first pass");
  CHECK(loop.outstanding_work() == 0);
}

AIO_TEST_CASE("work in progress on another thread keeps the deadlock report quiet, and its end lets it speak",
              "[ch03][threads]") {
  RecordingSink sink;
  aio::ScopedSink scope(sink);
  VirtualClock clock;
  EventLoop loop(clock);
  std::latch go(1);
  int results = 0;
  std::thread worker;
  {
    EventLoop::WorkGuard work(loop);
    worker = std::thread([&loop, &go, &results, work = std::move(work)]() mutable {
      go.wait();
      loop.call_soon_threadsafe([&] {
        ++results;
        loop.stop();
      });
      work.reset();
    });
  }
  loop.call_soon([&] { go.count_down(); });
  loop.run_forever(); // nothing ready, no timer, but work in progress: it waits, and no report
  worker.join();
  CHECK(results == 1);
  CHECK(sink.count(aio::Pitfall::deadlock) == 0);
  CHECK_THROWS_WITH(loop.run_forever(), Catch::Contains("deadlock")); // now nothing can come
  CHECK(sink.count(aio::Pitfall::deadlock) == 1);
}

AIO_TEST_CASE("a virtual clock does not jump to the next timer while work is in progress outside the loop",
              "[ch03][threads]") {
  VirtualClock clock;
  EventLoop loop(clock);
  std::latch go(1);
  std::vector<std::string> log;
  std::thread worker;
  {
    EventLoop::WorkGuard work(loop);
    worker = std::thread([&loop, &go, &log, work = std::move(work)]() mutable {
      go.wait();
      loop.call_soon_threadsafe(
          [&] { log.push_back("result at " + std::to_string((loop.time() - aio::TimePoint{}) / 1s) + " s"); });
      work.reset();
    });
  }
  loop.call_soon([&] { go.count_down(); });
  loop.call_later(10s, [&] {
    log.push_back("timer at " + std::to_string((loop.time() - aio::TimePoint{}) / 1s) + " s");
    loop.stop();
  });
  loop.run_forever();
  worker.join();
  CHECK(log == std::vector<std::string>{"result at 0 s", "timer at 10 s"});
}

AIO_TEST_CASE("call_soon_threadsafe on a closed loop throws, and what was sent before close is dropped unrun",
              "[ch03][threads]") {
  VirtualClock clock;
  EventLoop loop(clock);
  bool ran = false;
  std::thread([&] { loop.call_soon_threadsafe([&] { ran = true; }); }).join();
  loop.close();
  std::string refused;
  std::thread([&] {
    try {
      loop.call_soon_threadsafe([] {});
    } catch (const std::logic_error& e) {
      refused = e.what();
    }
  }).join();
  CHECK(refused == "the event loop is closed");
  CHECK_FALSE(ran);
}
