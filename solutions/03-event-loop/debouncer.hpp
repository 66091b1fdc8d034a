// Exercise 3.2, reference answer: Debouncer.
#pragma once

#include "aio/event_loop.hpp"

#include <functional>

/// Runs `fn` once `delay` has passed without a trigger().
class Debouncer {
public:
  /// A debouncer on `loop`.
  Debouncer(aio::EventLoop& loop, aio::Duration delay, std::function<void()> fn)
      : loop_(loop), delay_(delay), fn_(std::move(fn)) {}

  /// Something happened: `fn` will run `delay` from now, unless trigger() is called again first.
  void trigger() {
    pending_.cancel();
    pending_ = loop_.call_later(delay_, [this] { fn_(); });
  }
  /// Forget the pending run, if any.
  void cancel() { pending_.cancel(); }

private:
  aio::EventLoop& loop_;
  aio::Duration delay_;
  std::function<void()> fn_;
  aio::Handle pending_;
};
