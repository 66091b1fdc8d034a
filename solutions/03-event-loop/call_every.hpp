// Exercise 3.1, reference answer: call_every() without drift.
#pragma once

#include "aio/event_loop.hpp"

#include <functional>
#include <memory>

/// A periodic call started by call_every(): it can be cancelled and counted.
class Periodic {
public:
  /// No more calls after this one (a call already running finishes).
  void cancel() {
    state_->cancelled = true;
    state_->next.cancel();
  }
  /// How many times the callback has run so far.
  int calls() const { return state_->calls; }

private:
  friend Periodic call_every(aio::EventLoop&, aio::Duration, std::function<void()>);
  struct State {
    aio::EventLoop& loop;
    aio::Duration period;
    std::function<void()> fn;
    aio::TimePoint due;
    aio::Handle next;
    int calls = 0;
    bool cancelled = false;
  };
  static void schedule(const std::shared_ptr<State>& state) {
    state->due += state->period; // from the planned time, not from now: no drift
    state->next = state->loop.call_at(state->due, [state] {
      if (state->cancelled) return;
      ++state->calls;
      state->fn();
      if (!state->cancelled) schedule(state);
    });
  }
  std::shared_ptr<State> state_;
};

/// Calls `fn` every `period` on `loop`, the first time one period from now, until cancelled.
inline Periodic call_every(aio::EventLoop& loop, aio::Duration period, std::function<void()> fn) {
  Periodic periodic;
  periodic.state_ =
      std::make_shared<Periodic::State>(Periodic::State{loop, period, std::move(fn), loop.time(), {}, 0, false});
  Periodic::schedule(periodic.state_);
  return periodic;
}
