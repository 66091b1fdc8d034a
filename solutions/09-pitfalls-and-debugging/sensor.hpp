// Exercise 9.2, solved: std::this_thread::sleep_for stopped the whole loop (and its clock's
// time did not move); co_await aio::sleep waits while the others run.
#pragma once

#include "aio/clock.hpp"
#include "aio/event_loop.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include <vector>

/// One reading: its value and when it was taken, on the loop's clock.
struct Reading {
  int value;
  aio::TimePoint at;
};

/// Takes `count` readings of `sensor()`, one every `interval`, the first at once.
template <class Sensor>
aio::Task<std::vector<Reading>> poll(Sensor sensor, int count, aio::Duration interval) {
  std::vector<Reading> readings;
  for (int i = 0; i < count; ++i) {
    if (i > 0) co_await aio::sleep(interval);
    readings.push_back({sensor(), aio::EventLoop::get_running_loop().time()});
  }
  co_return readings;
}
