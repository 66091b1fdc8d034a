// Exercise 3.3: Throttle, run a function at most once per period, without losing the last call.
#pragma once

#include "aio/event_loop.hpp"

#include "aio/todo.hpp"

#include <functional>

/// Runs `fn` at most once per `period` (think: refresh a progress display). A trigger() after a
/// quiet period runs `fn` on the loop's next pass; triggers during a period are folded into one
/// trailing run at the end of that period, which starts the next period.
class Throttle {
public:
  /// A throttle on `loop`.
  Throttle(aio::EventLoop& loop, aio::Duration period, std::function<void()> fn)
      : loop_(loop), period_(period), fn_(std::move(fn)) {}

  /// Asks for a run of `fn`: now-ish, or once at the end of the current period.
  void trigger() { AIO_TODO("3.3"); }

private:
  [[maybe_unused]] aio::EventLoop& loop_;
  [[maybe_unused]] aio::Duration period_;
  std::function<void()> fn_;
};
