// The runtime's event loop (Python: asyncio's BaseEventLoop). One pass of it: take in what
// other threads sent, ask the selector what became ready (waiting for it only if nothing is
// ready now), move due timers to the ready queue, run what is ready. Callbacks come in through
// call_soon / call_later / call_at, and from other threads through call_soon_threadsafe;
// chapter 04's coroutines come in through schedule / schedule_at, which allocate nothing.
#pragma once

#include "aio/clock.hpp"
#include "aio/runnable.hpp"
#include "aio/selector.hpp"

#include "aio/origin.hpp"
#include "aio/step_timer.hpp"

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace aio {

class EventLoop;

namespace detail {

/// A callback scheduled on a loop. It keeps itself alive while it is queued, so its Handle
/// may be dropped, kept, or used to cancel it, in any order. Once it can never be called again
/// (it ran, was cancelled, or its loop closed) it destroys the function it wraps at once, and
/// with it what the function captured: as asyncio's Handle drops its callback on cancel(), so
/// that a callback and the state that holds its Handle cannot keep each other alive.
class Callback : public TimerNode, public std::enable_shared_from_this<Callback> {
public:
  /// A callback for `loop`, scheduled from `where`.
  Callback(EventLoop& loop, Origin where) noexcept : loop_(loop), where_(where) {}
  void run() final;
  Origin origin() const noexcept final { return where_; }
  /// Keeps itself alive until it has run or been cancelled.
  void hold() { self_ = shared_from_this(); }
  /// The loop closed before it ran.
  void discard(const char* why) noexcept final;
  /// It will not run.
  void cancel() noexcept;
  /// True once cancel() was called.
  bool cancelled() const noexcept { return cancelled_; }

protected:
  ~Callback() = default;
  /// Calls the function it wraps.
  virtual void call() = 0;
  /// Destroys the function it wraps: it will not be called again.
  virtual void release() noexcept = 0;

private:
  EventLoop& loop_;
  Origin where_;
  std::shared_ptr<Callback> self_; // set while queued
  bool cancelled_ = false;
  bool running_ = false; // a callback may cancel itself: its function must outlive that call
};

/// A Callback wrapping a function object of type F.
template <class F>
class CallbackOf final : public Callback {
public:
  /// Wraps `fn`, to run on `loop`, scheduled from `where`.
  CallbackOf(EventLoop& loop, Origin where, F fn) : Callback(loop, where), fn_(std::move(fn)) {}

private:
  void call() override { (*fn_)(); }
  void release() noexcept override { fn_.reset(); }
  std::optional<F> fn_;
};

} // namespace detail

/// A scheduled callback, which can be cancelled (Python: `asyncio.Handle`, `asyncio.TimerHandle`).
class Handle {
public:
  /// A handle to nothing.
  Handle() = default;
  /// The callback will not run. Does nothing if it already ran or was cancelled. Call it on the
  /// loop's thread (also for a handle from call_soon_threadsafe).
  void cancel() noexcept {
    if (callback_) callback_->cancel();
  }
  /// True once cancel() was called.
  bool cancelled() const noexcept { return callback_ && callback_->cancelled(); }

private:
  friend class EventLoop;
  explicit Handle(std::shared_ptr<detail::Callback> callback) noexcept : callback_(std::move(callback)) {}
  std::shared_ptr<detail::Callback> callback_;
};

/// What went wrong in a callback, for the loop's exception handler (Python: the `context` dict
/// of `loop.call_exception_handler`).
struct ExceptionContext {
  std::string message;      ///< "exception in callback from tick".
  std::exception_ptr error; ///< What it threw.
  Origin origin;            ///< Where the callback was scheduled, or the task's coroutine.
};

// [loop]
/// Runs callbacks and timers on one thread; waits, and learns what became ready, through its
/// Selector, which it asks on every pass (without waiting when work is ready).
class EventLoop {
public:
  /// Called with what a callback threw (Python: `loop.set_exception_handler`'s handler).
  using ExceptionHandler = std::function<void(EventLoop&, const ExceptionContext&)>;

  /// A loop on `clock` (real time by default, a VirtualClock in tests) that waits only for
  /// timers and wake-ups.
  explicit EventLoop(Clock& clock = steady_clock());
  /// A loop on `clock` that waits through `selector` (chapter 10: epoll).
  EventLoop(Clock& clock, Selector& selector);
  /// Closes the loop (see close()).
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// The loop running on this thread (Python: `asyncio.get_running_loop()`); throws outside one.
  static EventLoop& get_running_loop();
  /// True if a loop is running on this thread: get_running_loop() would not throw.
  static bool is_any_running() noexcept;

  /// The loop clock's time (Python: `loop.time()`).
  TimePoint time() const { return clock_.now(); }

  /// Runs `fn()` on the next pass (Python: `loop.call_soon`).
  template <class F>
  Handle call_soon(F fn, Origin where = Origin::here());
  /// Runs `fn()` once `delay` has passed (Python: `loop.call_later`).
  template <class F>
  Handle call_later(Duration delay, F fn, Origin where = Origin::here()) {
    return call_at(time() + delay, std::move(fn), where);
  }
  /// Runs `fn()` once the clock reaches `when` (Python: `loop.call_at`).
  template <class F>
  Handle call_at(TimePoint when, F fn, Origin where = Origin::here());

  /// Runs `fn()` on the loop's thread, on its next pass; callable from any thread (Python:
  /// `loop.call_soon_threadsafe`). Callbacks from one thread run in the order they were sent.
  /// Wakes the loop if it waits, once per burst: a caller that finds the loop already told
  /// does not tell it again. Throws std::logic_error once the loop is closed. The loop must
  /// outlive the call: a thread doing work for the loop holds a WorkGuard until it has sent
  /// its result.
  template <class F>
  Handle call_soon_threadsafe(F fn, Origin where = Origin::here());

  /// Work in progress outside the loop (a job on another thread) that will send the loop
  /// something: while there is any, a loop with nothing else to do waits for it instead of
  /// reporting a deadlock, and a virtual clock does not jump. Thread-safe.
  void work_started() noexcept { outstanding_work_.fetch_add(1, std::memory_order_relaxed); }
  /// That work is over. Send its result (call_soon_threadsafe) first, then call this.
  void work_finished() noexcept;
  /// How much work is in progress outside the loop.
  std::size_t outstanding_work() const noexcept { return outstanding_work_.load(std::memory_order_acquire); }
  /// work_started() for as long as it lives (Asio: `executor_work_guard`).
  class WorkGuard {
  public:
    /// Counts one piece of work on `loop`.
    explicit WorkGuard(EventLoop& loop) noexcept : loop_(&loop) { loop.work_started(); }
    WorkGuard(WorkGuard&& other) noexcept : loop_(std::exchange(other.loop_, nullptr)) {} ///< Takes it over.
    WorkGuard& operator=(WorkGuard&&) = delete;
    ~WorkGuard() { reset(); }
    /// The work is over (see work_finished()); at most once.
    void reset() noexcept {
      if (loop_ != nullptr) std::exchange(loop_, nullptr)->work_finished();
    }

  private:
    EventLoop* loop_;
  };

  /// Queues `work` for the next pass. The caller owns it and keeps it alive until it runs.
  void schedule(Runnable& work);
  /// Queues `timer` for when the clock reaches `when`. The caller owns it, as above.
  void schedule_at(TimerNode& timer, TimePoint when);
  /// Takes `timer` out of the heap; returns false if it was not scheduled.
  bool cancel(TimerNode& timer) noexcept { return timers_.remove(timer); }

  /// Runs passes until stop() is called (Python: `loop.run_forever`). With nothing ready, no
  /// timer and nothing the selector could wake it for, nothing could ever call stop(): that
  /// is reported as a deadlock and thrown, where asyncio would hang.
  void run_forever();
  /// One pass: wait for work if there is none, move due timers to the ready queue, run what is
  /// ready now. What that work schedules waits for the next pass.
  void run_once();
  /// Makes run_forever() return after the current pass (Python: `loop.stop`). Called before
  /// run_forever(), that run makes one pass and returns, as in asyncio.
  void stop() noexcept { stopping_ = true; }
  /// Drops every pending callback and timer; the loop accepts no more (Python: `loop.close`).
  /// A dropped task is reported with `why` (by default, as one whose loop was closed; null:
  /// not reported, for an owner that has reported it already).
  void close(const char* why = "its event loop was closed before it finished") noexcept;

  /// What runs when a callback throws (Python: `loop.set_exception_handler`); an empty one
  /// puts the default back, which reports the error and lets the loop carry on serving. A
  /// handler that rethrows makes run_forever() stop with the error, the rest of the pass kept.
  void set_exception_handler(ExceptionHandler handler) { handler_ = std::move(handler); }
  /// Hands `context` to the exception handler (Python: `loop.call_exception_handler`).
  void call_exception_handler(const ExceptionContext& context);
  /// The default handler: a report through the diagnostics sink (Python:
  /// `loop.default_exception_handler`, which logs).
  static void default_exception_handler(const ExceptionContext& context);

  /// True while run_forever() or run_once() is running.
  bool is_running() const noexcept { return running_.load(std::memory_order_relaxed); }
  /// True once close() was called.
  bool is_closed() const noexcept { return closed_; }
  /// How many timers are waiting.
  std::size_t timers() const noexcept { return timers_.size(); }
  /// The loop's list of long-lived work: chapter 04 keeps its tasks there.
  TrackedList& tracked() noexcept { return tracked_; }
  /// The same, to read.
  const TrackedList& tracked() const noexcept { return tracked_; }
  /// The selector it waits through.
  Selector& selector() noexcept { return selector_; }
  // [loop]

private:
  template <class F>
  std::shared_ptr<detail::Callback> make_callback(F fn, Origin where);
  void pass();
  void wait_for_work();
  std::size_t sleep(std::optional<Duration> timeout, std::size_t work);
  void take_inbox();
  [[gnu::cold]] void failed(Origin where, ReadyQueue& rest);
  void check_open() const;
  [[noreturn, gnu::cold]] void wrong_thread() const;
  [[noreturn]] void report_deadlock() const;

  Clock& clock_;
  TimerSelector own_selector_;
  Selector& selector_;
  ReadyQueue ready_;
  TimerHeap timers_;
  TrackedList tracked_;
  ExceptionHandler handler_;
  // [inbox]
  // What other threads send: pushed under the mutex, which sets `sent_`; the first sender of a
  // burst wakes the loop if it is asleep. The loop checks `sent_` once per pass without locking;
  // under the mutex it clears it, then takes the whole queue. Before it sleeps it says so
  // (`sleeping_`), then looks at `sent_` once more: a sender sets `sent_`, then looks at
  // `sleeping_`. Either the loop sees the message, or the sender sees the sleeper: no wake-up is
  // lost, and a loop that is busy is never woken at all.
  std::mutex inbox_mutex_;
  ReadyQueue inbox_;
  std::atomic<bool> sent_{false};
  std::atomic<bool> sleeping_{false};
  bool inbox_closed_ = false; // under inbox_mutex_
  // [inbox]
  std::atomic<std::size_t> outstanding_work_{0};
  bool stopping_ = false;
  std::atomic<bool> running_{false}; // read by the thread check of a call from another thread
  bool closed_ = false;
  StepTimer step_timer_{"callback from", "a callback must return quickly: split long work, and never block the "
                                         "thread (no std::this_thread::sleep_for, no blocking I/O)"};
};

template <class F>
std::shared_ptr<detail::Callback> EventLoop::make_callback(F fn, Origin where) {
  static_assert(std::is_invocable_v<F&>, "a callback is called with no arguments: capture what it needs");
  check_open();
  // Destroyed through its own type (Callback's destructor is protected). std::make_shared would
  // save the second allocation, but measured slower here (ch03_bench: 459 ns against 91 ns per
  // call_soon with a million queued); chapter 04's coroutines avoid both through intrusive nodes.
  std::shared_ptr<detail::Callback> callback(
      new detail::CallbackOf<F>(*this, where, std::move(fn)),
      [](detail::Callback* c) { delete static_cast<detail::CallbackOf<F>*>(c); });
  callback->hold();
  return callback;
}

template <class F>
Handle EventLoop::call_soon(F fn, Origin where) {
  auto callback = make_callback(std::move(fn), where);
  ready_.push(*callback);
  return Handle(std::move(callback));
}

template <class F>
Handle EventLoop::call_soon_threadsafe(F fn, Origin where) {
  static_assert(std::is_invocable_v<F&>, "a callback is called with no arguments: capture what it needs");
  std::shared_ptr<detail::Callback> callback( // made on the caller's thread, as make_callback does
      new detail::CallbackOf<F>(*this, where, std::move(fn)),
      [](detail::Callback* c) { delete static_cast<detail::CallbackOf<F>*>(c); });
  callback->hold();
  bool first = false;
  {
    std::lock_guard lock(inbox_mutex_);
    if (inbox_closed_) {
      callback->discard(nullptr);
      throw std::logic_error("the event loop is closed");
    }
    inbox_.push(*callback);
    first = !sent_.exchange(true); // push, then signal (see sleep())
  }
  if (first && sleeping_.load()) selector_.wakeup(); // a loop that is awake sees `sent_` on its next pass

  return Handle(std::move(callback));
}

template <class F>
Handle EventLoop::call_at(TimePoint when, F fn, Origin where) {
  auto callback = make_callback(std::move(fn), where);
  timers_.push(*callback, when);
  return Handle(std::move(callback));
}

} // namespace aio
