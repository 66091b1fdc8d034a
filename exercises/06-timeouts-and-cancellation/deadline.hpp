// Exercise 6.1: Deadline, one time budget shared by several steps.
#pragma once

#include "aio/clock.hpp"
#include "aio/event_loop.hpp"
#include "aio/task.hpp"
#include "aio/timeout.hpp"

#include "aio/todo.hpp"

/// A time budget that starts when it is made and is shared by the steps run through it: a
/// login that must finish within 5 s whatever the number of round trips. Each step gets what is
/// left; the step running when the budget runs out is cancelled and TimeoutError is thrown.
class Deadline {
public:
  /// A budget of `budget` from now, on the running loop's clock.
  explicit Deadline(aio::Duration budget) : loop_(aio::EventLoop::get_running_loop()) {
    (void)budget;
    AIO_TODO("6.1");
  }
  /// What is left of the budget (zero or less once spent).
  aio::Duration remaining() const {
    AIO_TODO("6.1");
    return {};
  }
  /// Runs `step` within what is left and gives its value. Past the deadline it is cancelled
  /// and TimeoutError is thrown. With nothing left, it throws TimeoutError at once: the step
  /// never runs (and is closed quietly, without a "never awaited" report).
  template <class T>
  aio::Task<T> run(aio::Task<T> step) {
    AIO_TODO("6.1");
    co_return co_await std::move(step);
  }

private:
  aio::EventLoop& loop_;
};
