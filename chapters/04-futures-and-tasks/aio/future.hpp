// Future<T>: a result that is not there yet (Python: asyncio.Future).
//
// A future starts PENDING and ends once, FINISHED (with a value or an exception) or CANCELLED.
// Whoever waits for it, a coroutine or a done callback, is queued on the future itself and
// moved to the loop's ready queue when it ends: the future never calls anyone directly, so
// setting a result can never run someone else's code in the middle of yours.
#pragma once

#include "aio/event_loop.hpp"
#include "aio/runnable.hpp"

#include "aio/origin.hpp"

#include <coroutine>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace aio {

/// Raised by `result()` and by `co_await` on a future or task that was cancelled (Python:
/// `asyncio.CancelledError`).
class CancelledError : public std::exception {
public:
  /// "cancelled".
  const char* what() const noexcept override { return "cancelled"; }
};

/// An operation that the future's state does not allow, such as reading the result of a pending
/// future or setting one twice (Python: `asyncio.InvalidStateError`).
class InvalidStateError : public std::logic_error {
public:
  using std::logic_error::logic_error;
};

// [states]
/// Where a future is in its life. It leaves `pending` once, and never comes back.
enum class FutureState : unsigned char {
  pending,  ///< no outcome yet
  finished, ///< has a value or an exception
  cancelled ///< cancel() was called while pending
};
// [states]

namespace detail {

/// What every future and task has, whatever its value type: the state, the exception, the
/// loop, and the queue of those waiting.
class FutureBase {
public:
  /// The current state.
  FutureState state() const noexcept { return state_; }
  /// True once finished or cancelled (Python: `done()`).
  bool done() const noexcept { return state_ != FutureState::pending; }
  /// True if cancelled (Python: `cancelled()`).
  bool cancelled() const noexcept { return state_ == FutureState::cancelled; }
  /// The exception it finished with, or null if it finished with a value. Throws
  /// InvalidStateError while pending, CancelledError if cancelled (Python: `exception()`).
  std::exception_ptr exception();
  /// True if it finished with an exception. Unlike exception(), this does not count as looking.
  bool failed() const noexcept { return error_ != nullptr; }
  /// The loop that runs its waiters (null for a coroutine awaited inline: nobody else waits).
  EventLoop* loop() const noexcept { return loop_; }

  /// Queues `waiter` on this future: when it is done, `waiter` goes to the loop's ready queue
  /// (at once, if it is done already). The waiter's owner keeps it alive until then.
  void add_waiter(Runnable& waiter);
  /// Takes `waiter` out of the queue of waiters, if it is there.
  void remove_waiter(Runnable& waiter) noexcept;
  /// Cancels it if pending and wakes the waiters; returns false if it was done already. (A
  /// task's promise hides this with its own cancel(), which stops the coroutine; a
  /// CompositeFuture asks its owner.)
  bool cancel() noexcept {
    if (done()) return false;
    if (composite_) [[unlikely]]
      return cancel_parts();
    finish(FutureState::cancelled);
    return true;
  }
  /// True for a CompositeFuture: its owner decides what cancel() does, and may refuse.
  bool composite() const noexcept { return composite_; }

protected:
  /// A pending future whose waiters run on `loop` (null: bound later, see bind()).
  explicit FutureBase(EventLoop* loop) noexcept : loop_(loop) {}
  /// Waiters still queued will never run: they are discarded.
  ~FutureBase();
  FutureBase(const FutureBase&) = delete;
  FutureBase& operator=(const FutureBase&) = delete;

  /// Throws InvalidStateError unless pending; `what` names the operation for the message.
  void check_pending(const char* what) const;
  /// Throws InvalidStateError while pending, CancelledError if cancelled; rethrows the
  /// exception it finished with. Returns if it finished with a value.
  void check_result();
  /// Ends the pending state: records `state` and `error`, moves every waiter to the ready queue.
  void finish(FutureState state, std::exception_ptr error = nullptr) noexcept;
  /// True if it failed and nobody has looked at the exception.
  bool unretrieved() const noexcept { return error_ && !retrieved_; }
  /// Reports the exception nobody looked at; `what` names the future ("task 'Task-3' ...").
  void report_unretrieved(const std::string& what, Origin origin) const noexcept;
  /// Its waiters will run on `loop`.
  void bind(EventLoop& loop) noexcept { loop_ = &loop; }
  /// Discards the waiters still queued: it will never finish, so they would never run. A task
  /// among them is reported with `why`, if not null.
  void discard_waiters(const char* why) noexcept;

private:
  friend class CompositeFuture;
  bool cancel_parts() noexcept; // CompositeFuture::cancel_parts(), without a virtual call here

  EventLoop* loop_;
  std::exception_ptr error_;
  ReadyQueue waiters_; // Runnables are linked through themselves: queuing allocates nothing
  FutureState state_ = FutureState::pending;
  bool retrieved_ : 1 = false; // someone looked at the exception (exception(), result(), co_await)
  bool composite_ : 1 = false; // a CompositeFuture (one bit, so a task's frame does not grow)
};

// [composite]
/// A future that stands for other work, and whose cancellation is that work's (Python: a Future
/// subclass overriding cancel(), as asyncio's gathering future does). cancel() asks the owner,
/// which cancels the parts still running and says whether any of them took the request; the
/// future itself ends later, when its owner sets it. A task awaiting one that refuses is not
/// cancelled either: once every child of a gather has finished, its result is no longer lost.
class CompositeFuture : public FutureBase {
protected:
  /// A pending future whose waiters run on `loop`; composite, or (false) an ordinary one after
  /// all, whose cancel() cancels it, for an owner that is only sometimes composite.
  CompositeFuture(EventLoop& loop, bool composite) noexcept : FutureBase(&loop) { composite_ = composite; }
  ~CompositeFuture() = default;
  /// cancel() on it while pending: cancel the parts; true if any took the request, false to refuse.
  virtual bool cancel_parts() noexcept = 0;

private:
  friend class FutureBase;
};
// [composite]

/// The value slot of a future of T: FutureBase plus the value and how to set and read it.
template <class T, class Base>
class WithValue : public Base {
  static_assert(!std::is_reference_v<T>, "a future holds a value: use a pointer or std::reference_wrapper");

public:
  using Base::Base;
  /// Finishes with `value`.
  template <class U = T>
  void set_value(U&& value) {
    this->check_pending("set_result");
    value_.emplace(std::forward<U>(value));
    this->finish(FutureState::finished);
  }
  /// The value; or rethrows the exception, or throws CancelledError or InvalidStateError.
  T& value() {
    this->check_result();
    return *value_;
  }

private:
  std::optional<T> value_;
};

/// No value to keep for a future of void.
template <class Base>
class WithValue<void, Base> : public Base {
public:
  using Base::Base;
  /// Finishes without a value.
  void set_value() {
    this->check_pending("set_result");
    this->finish(FutureState::finished);
  }
  /// Returns if it finished; or rethrows, or throws CancelledError or InvalidStateError.
  void value() { this->check_result(); }
};

/// A done callback: a Runnable that calls `fn` once and deletes itself.
template <class F>
class DoneCallback final : public Runnable {
public:
  /// `fn` is called on the loop once the future is done.
  DoneCallback(F fn, Origin where) : fn_(std::move(fn)), where_(where) {}
  void run() override {
    std::unique_ptr<DoneCallback> self(this);
    fn_();
  }
  Origin origin() const noexcept override { return where_; }
  void discard(const char*) noexcept override { delete this; }

private:
  F fn_;
  Origin where_;
};

/// What a coroutine uses to wait for a future: it registers a wake-up with the future and,
/// once woken, reads the value. Defined with the promise (promise.hpp), which knows how a
/// coroutine is woken.
template <class Fut, class Result>
class FutureAwaiter;

} // namespace detail

// [future]
/// A value of type T that will be set later, once (Python: `asyncio.Future`).
///
/// A handle, copied as Python copies references: every copy is the same future. Whoever holds
/// one may set it, cancel it, read it, or `co_await` it. Done callbacks and awaiting coroutines
/// run on the future's loop once it is done, in the order they were added.
template <class T = void>
class Future {
  class State final : public detail::WithValue<T, detail::FutureBase> {
  public:
    State(EventLoop& loop, Origin where) noexcept : detail::WithValue<T, detail::FutureBase>(&loop), where(where) {}
    ~State() {
      if (this->unretrieved()) this->report_unretrieved("a future", where);
    }
    using detail::FutureBase::check_pending;
    using detail::FutureBase::finish;
    Origin where; // where it was created, for reports
    std::size_t refs = 1;
  };

public:
  /// A pending future on the running loop (Python: `loop.create_future()`).
  explicit Future(Origin where = Origin::here()) : Future(EventLoop::get_running_loop(), where) {}
  /// A pending future whose waiters run on `loop`.
  explicit Future(EventLoop& loop, Origin where = Origin::here()) : state_(new State(loop, where)) {}
  Future(const Future& other) noexcept : state_(other.state_) { ++state_->refs; } ///< The same future.
  /// Takes over `other`'s reference; `other` is left empty, fit only to be assigned or destroyed.
  Future(Future&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  /// Makes this handle refer to `other`'s future.
  Future& operator=(Future other) noexcept {
    std::swap(state_, other.state_);
    return *this;
  }
  ~Future() {
    if (state_ != nullptr) release(state_);
  }

  /// Finishes with `value`, and wakes the waiters. Throws InvalidStateError if done already.
  template <class... U>
  void set_result(U&&... value) {
    state_->set_value(std::forward<U>(value)...);
  }
  /// Finishes with `error`, and wakes the waiters. Throws InvalidStateError if done already.
  void set_exception(std::exception_ptr error);
  /// Cancels it if pending and wakes the waiters; returns false if it was done already.
  bool cancel() noexcept;

  /// The loop its waiters run on (Python: `get_loop()`).
  EventLoop& get_loop() const noexcept { return *state_->loop(); }
  /// True once finished or cancelled.
  bool done() const noexcept { return state_->done(); }
  /// True if cancelled.
  bool cancelled() const noexcept { return state_->cancelled(); }
  /// The value. Rethrows the exception it finished with; throws CancelledError if cancelled,
  /// InvalidStateError while pending.
  decltype(auto) result() { return state_->value(); }
  /// The exception it finished with, or null. Throws CancelledError if cancelled,
  /// InvalidStateError while pending.
  std::exception_ptr exception() { return state_->exception(); }

  /// Calls `fn(future)` on the loop once this future is done (at once if it is already).
  template <class F>
  void add_done_callback(F fn, Origin where = Origin::here()) {
    static_assert(std::is_invocable_v<F&, Future&>, "a done callback takes the future: [](aio::Future<T>& f) {...}");
    auto call = [fn = std::move(fn), self = *this]() mutable { fn(self); };
    state_->add_waiter(*new detail::DoneCallback<decltype(call)>(std::move(call), where));
  }

  /// `co_await future`: suspends until it is done, then gives the value (a reference to it)
  /// or throws its exception, or CancelledError.
  auto operator co_await() & noexcept { return detail::FutureAwaiter<State, decltype(state_->value())>(*state_); }
  /// `co_await` on a temporary future: the value is moved out.
  auto operator co_await() && noexcept { return detail::FutureAwaiter<State, T>(*state_); }
  // [future]

private:
  // Not inlined: GCC 12 at -O2, seeing two handles to one state destroyed in a row, cannot tell
  // that the first leaves the count above zero, and warns of a use after free (-Wuse-after-free).
  [[gnu::noinline]] static void release(State* state) noexcept {
    if (--state->refs == 0) delete state;
  }

  State* state_;
};

template <class T>
void Future<T>::set_exception(std::exception_ptr error) {
  if (!error) throw std::invalid_argument("set_exception needs an exception");
  state_->check_pending("set_exception");
  state_->finish(FutureState::finished, std::move(error));
}

template <class T>
bool Future<T>::cancel() noexcept {
  return state_->cancel();
}

} // namespace aio
