// Exercise 3.3, reference answer: Throttle.
#pragma once

#include "aio/event_loop.hpp"

#include <functional>
#include <optional>

/// Runs `fn` at most once per `period`, folding the triggers of a period into one trailing run.
class Throttle {
public:
  /// A throttle on `loop`.
  Throttle(aio::EventLoop& loop, aio::Duration period, std::function<void()> fn)
      : loop_(loop), period_(period), fn_(std::move(fn)) {}

  /// Asks for a run of `fn`: now-ish, or once at the end of the current period.
  void trigger() {
    if (pending_) return; // a run is already on its way: this trigger is folded into it
    pending_ = true;
    if (!last_ || loop_.time() - *last_ >= period_) {
      loop_.call_soon([this] { run(); });
    } else {
      loop_.call_at(*last_ + period_, [this] { run(); });
    }
  }

private:
  void run() {
    pending_ = false;
    last_ = loop_.time(); // this run starts a period
    fn_();
  }

  aio::EventLoop& loop_;
  aio::Duration period_;
  std::function<void()> fn_;
  std::optional<aio::TimePoint> last_;
  bool pending_ = false;
};
