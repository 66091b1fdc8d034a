// Timers: deadline order, cancellation, virtual time, and the heap under many timers.
#include "demos.hpp"

#include "aio/event_loop.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

using aio::EventLoop;
using aio::VirtualClock;
using aio::testing::demo_output;
using namespace std::chrono_literals;

AIO_TEST_CASE("timers run in deadline order at their exact times, and a cancelled one never", "[ch03][timers]") {
  CHECK(demo_output(aio::demos::timers) == "0.10 s: the first timer set, due at 0.10 s\n"
                                           "0.20 s: a call_at(start + 0.20 s)\n"
                                           "0.30 s: the third timer set, due at 0.30 s\n"
                                           "0.40 s: stopped\n");
}

AIO_TEST_CASE("a callback that reschedules itself ticks at a steady period", "[ch03][timers]") {
  CHECK(demo_output(aio::demos::ticker) == "tick 1\ntick 2\ntick 3\ntick 4\ntick 5\nfive ticks in 0.40 s\n");
}

AIO_TEST_CASE("timers due at the same time run in the order they were set", "[ch03][timers]") {
  std::vector<int> order;
  VirtualClock clock;
  EventLoop loop(clock);
  for (int i = 0; i < 5; ++i) loop.call_later(1s, [&order, i] { order.push_back(i); });
  loop.call_later(2s, [&] { loop.stop(); });
  loop.run_forever();
  CHECK(order == std::vector{0, 1, 2, 3, 4});
}

AIO_TEST_CASE("a timer set in the past runs on the next pass", "[ch03][timers]") {
  bool ran = false;
  VirtualClock clock;
  EventLoop loop(clock);
  loop.call_at(loop.time() - 1s, [&] {
    ran = true;
    loop.stop();
  });
  loop.run_forever();
  CHECK(ran);
  CHECK(clock.now().time_since_epoch() == 0s);
}

AIO_TEST_CASE("ten thousand timers set and cancelled at random fire in order, the cancelled never", "[ch03][timers]") {
  std::mt19937 random(20261122);
  std::uniform_int_distribution<int> ms(0, 5000);
  VirtualClock clock;
  EventLoop loop(clock);
  std::vector<long long> fired;
  std::vector<aio::Handle> handles;
  std::vector<int> due;
  for (int i = 0; i < 10000; ++i) {
    const int at = ms(random);
    due.push_back(at);
    handles.push_back(loop.call_later(std::chrono::milliseconds(at), [&fired, &clock] {
      fired.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(clock.now().time_since_epoch()).count());
    }));
  }
  std::vector<long long> expected;
  for (int i = 0; i < 10000; ++i) {
    if (i % 2 == 0) {
      handles[i].cancel();
    } else {
      expected.push_back(due[i]);
    }
  }
  CHECK(loop.timers() == 5000);
  loop.call_later(6s, [&] { loop.stop(); });
  loop.run_forever();
  std::sort(expected.begin(), expected.end());
  CHECK(fired == expected);
}
