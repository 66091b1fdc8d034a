// Exercise 3.2: Debouncer, run a function once calls to it have stopped for a while.
#pragma once

#include "aio/event_loop.hpp"

#include "aio/todo.hpp"

#include <functional>

/// Runs `fn` once `delay` has passed without a trigger() (think: save a document once the
/// user has stopped typing for a second). Every trigger() restarts the wait.
class Debouncer {
public:
  /// A debouncer on `loop`.
  Debouncer(aio::EventLoop& loop, aio::Duration delay, std::function<void()> fn)
      : loop_(loop), delay_(delay), fn_(std::move(fn)) {}

  /// Something happened: `fn` will run `delay` from now, unless trigger() is called again first.
  void trigger() { AIO_TODO("3.2"); }
  /// Forget the pending run, if any.
  void cancel() { AIO_TODO("3.2"); }

private:
  [[maybe_unused]] aio::EventLoop& loop_;
  [[maybe_unused]] aio::Duration delay_;
  std::function<void()> fn_;
};
