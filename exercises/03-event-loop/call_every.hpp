// Exercise 3.1: call_every(), a periodic timer built on call_at, that does not drift.
#pragma once

#include "aio/event_loop.hpp"

#include "aio/todo.hpp"

#include <functional>
#include <memory>

/// A periodic call started by call_every(): it can be cancelled and counted.
class Periodic {
public:
  /// No more calls after this one (a call already running finishes).
  void cancel() { AIO_TODO("3.1"); }
  /// How many times the callback has run so far.
  int calls() const { AIO_TODO("3.1"); }

private:
  struct State; // yours to define: what the Periodic and the scheduled callbacks share
  std::shared_ptr<State> state_;
};

/// Calls `fn` every `period` on `loop`, the first time one period from now, until cancelled.
/// The n-th call is due at start + n * period, however long each call takes: a slow callback
/// makes the next one late, never the ones after it (Python has no call_every; this is what
/// such a helper must get right).
inline Periodic call_every(aio::EventLoop& loop, aio::Duration period, std::function<void()> fn) {
  (void)loop;
  (void)period;
  (void)fn;
  AIO_TODO("3.1");
}
