// aio::timeout / timeout_at: a deadline over a piece of work, which can be moved (Python:
// `async with asyncio.timeout(d) as cm`); aio::wait_for (Python: asyncio.wait_for). Both are
// cancellation: when the deadline comes, the task is cancelled, and the CancelledError that
// comes back out of the work is turned into TimeoutError.
#pragma once

#include "aio/clock.hpp"
#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/task.hpp"
#include "aio/watch.hpp"

#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace aio {

/// The deadline of aio::timeout or aio::wait_for passed (Python: `TimeoutError`).
class TimeoutError : public std::runtime_error {
public:
  TimeoutError() : std::runtime_error("timed out") {}
};

// [timeout-class]
/// The deadline of one aio::timeout scope, handed to its body (Python: the object `async with
/// asyncio.timeout(d) as cm` gives). The body may move the deadline while it runs.
class Timeout {
public:
  /// The deadline, or none (the work may take as long as it likes).
  std::optional<TimePoint> when() const noexcept { return when_; }
  /// Moves the deadline (Python: `cm.reschedule(when)`); none removes it. Too late once expired.
  void reschedule(std::optional<TimePoint> when) {
    if (expired_) throw std::logic_error("Timeout::reschedule(): the deadline has passed already");
    timer_.cancel();
    when_ = when;
    if (!when_) return;
    // Due already: on the next pass, before whatever the body queues meanwhile (as asyncio:
    // `timeout(0)` around `sleep(0)` times out); a timer due now would join the queue after it.
    timer_ =
        *when_ <= loop_.time() ? loop_.call_soon([this] { expire(); }) : loop_.call_at(*when_, [this] { expire(); });
  }
  /// True once the deadline has passed and the task was cancelled for it.
  bool expired() const noexcept { return expired_; }

  /// Starts a scope in the running task, with a deadline at `when` (see timeout_at()).
  explicit Timeout(std::optional<TimePoint> when)
      : loop_(EventLoop::get_running_loop()),
        task_(detail::PromiseBase::running("aio::timeout needs to run in a task")), cancelling_(task_.cancelling()) {
    reschedule(when);
  }
  Timeout(const Timeout&) = delete;
  Timeout& operator=(const Timeout&) = delete;
  ~Timeout() { timer_.cancel(); }

  /// Ends the scope. Returns true if the deadline passed and the cancellation it caused is not
  /// wanted by anyone else: the scope takes it back (uncancel), and a CancelledError coming out
  /// of the body is then this deadline's, to be turned into TimeoutError.
  bool end() noexcept {
    timer_.cancel();
    return expired_ && task_.uncancel() <= cancelling_;
  }

private:
  void expire() {
    expired_ = true;
    task_.cancel();
  }

  EventLoop& loop_;
  detail::PromiseBase& task_;
  int cancelling_; // the task's cancel() requests when the scope began: not the scope's
  std::optional<TimePoint> when_;
  Handle timer_;
  bool expired_ = false;
};
// [timeout-class]

namespace detail {
/// The work of a timeout scope: `body` itself if it is a Task, else `body(scope)`.
template <class Body>
auto start_body(Body& body, Timeout& scope) {
  if constexpr (std::is_invocable_v<Body&, Timeout&>) {
    return body(scope);
  } else {
    (void)scope;
    return std::move(body);
  }
}
/// The Task type of that work.
template <class Body>
using BodyTask = decltype(start_body(std::declval<Body&>(), std::declval<Timeout&>()));

} // namespace detail

// [timeout]
/// Runs `body` (a Task, or a callable `(aio::Timeout&) -> aio::Task<T>`) in the current task with
/// a deadline at `when` (none: no deadline yet), and gives its value. When the deadline comes,
/// the task is cancelled: CancelledError is thrown at the co_await the body waits in, its
/// cleanup runs, and once the error has come out of the body it becomes TimeoutError. A
/// cancellation from anywhere else goes through unchanged (Python: `asyncio.timeout_at`).
template <class Body>
detail::BodyTask<Body> timeout_at(std::optional<TimePoint> when, Body body) {
  Timeout scope(when);
  try {
    if constexpr (std::is_void_v<typename detail::TaskValue<detail::BodyTask<Body>>::type>) {
      co_await detail::start_body(body, scope);
      scope.end(); // on time; or the body swallowed the cancellation: the scope takes it back
      co_return;
    } else {
      auto value = co_await detail::start_body(body, scope);
      scope.end();
      co_return value;
    }
  } catch (const CancelledError&) {
    if (scope.end()) throw TimeoutError();
    throw;
  } catch (...) {
    scope.end();
    throw;
  }
}

/// The same with a deadline `delay` from now, the moment of the call, as in Python (`async with
/// asyncio.timeout(delay)`).
template <class Body>
detail::BodyTask<Body> timeout(Duration delay, Body body) {
  return timeout_at(EventLoop::get_running_loop().time() + delay, std::move(body));
}
// [timeout]

namespace detail {
/// Cancels `task` and waits until it has finished, its cleanup included, without taking its
/// outcome (Python: asyncio's `_cancel_and_wait`). A cancellation of the waiting task itself
/// comes out at once: it cancels the future waited on, not `task` a second time.
template <class T>
Task<> cancel_and_wait(Task<T>& task) {
  Future<> finished(EventLoop::get_running_loop());
  task.add_done_callback([finished](auto&) mutable {
    if (!finished.done()) finished.set_result();
  });
  task.cancel();
  co_await finished;
}
} // namespace detail

// [wait-for]
/// Awaits `task` for at most `delay` (Python: `await asyncio.wait_for(aw, timeout)`). On time, its
/// value. Past the deadline it is cancelled, and awaited until it has finished its cleanup;
/// then TimeoutError is thrown. (If it swallows the cancellation and gives a value, that value
/// is returned, as in asyncio.) A delay of zero or less is a deadline already past: a coroutine
/// that has not started never starts, a running task is cancelled at once, and only a task
/// already done gives its outcome.
template <class T>
Task<T> wait_for(Task<T> task, Duration delay) {
  if (delay > Duration::zero()) co_return co_await timeout(delay, std::move(task));
  detail::ensure_task(task); // queued, not run: cancelled before its first step, its body never runs
  if (!task.done()) co_await detail::cancel_and_wait(task);
  if (task.cancelled()) throw TimeoutError();
  co_return co_await std::move(task); // its value or its exception (it swallowed the cancellation)
}
// [wait-for]

} // namespace aio
