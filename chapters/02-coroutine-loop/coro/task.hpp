// Task<T>: a lazy coroutine that produces one T (or an exception) and can be co_await-ed.
//
// The smallest complete task type: nothing runs until someone awaits it (or a loop starts
// it); the awaiter starts it by symmetric transfer, and when it finishes it transfers
// straight back to the coroutine that awaited it. A task destroyed before it ever ran is
// the "forgot co_await" bug, and is reported as such.
#pragma once

#include "aio/diagnostics.hpp"

#include <coroutine>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace coro {

class PromiseBase;

/// The promise behind a handle, if it is one of ours (for naming it in reports), else null.
template <class Promise>
const PromiseBase* promise_of(std::coroutine_handle<Promise> handle) noexcept {
  if constexpr (std::is_base_of_v<PromiseBase, Promise>) {
    return &handle.promise();
  } else {
    return nullptr;
  }
}

namespace detail {
/// Control passes to `to` inside a loop step: lets the loop's blocked-loop check blame the
/// coroutine that actually held the loop, not just the one it resumed (event_loop.cpp).
void note_switch(const PromiseBase* to) noexcept;
} // namespace detail

/// Told when a coroutine started without an awaiter (a "root", run by a loop) finishes.
class RootObserver {
public:
  /// Called from the root's final suspend point: its frame is suspended and may be destroyed.
  virtual void root_done(PromiseBase& root) noexcept = 0;

protected:
  ~RootObserver() = default;
};

// [promise-base]
/// What every Task's promise has, whatever its T: who awaits it, what it is called, how it ended.
class PromiseBase {
public:
  /// `origin` is the coroutine's name and position (see aio::Origin::here()).
  explicit PromiseBase(aio::Origin origin) noexcept : origin_(origin) {}

  /// The coroutine's name and where it is defined.
  aio::Origin origin() const noexcept { return origin_; }
  /// True once the body has started running.
  bool started() const noexcept { return started_; }

  /// Lazy start: suspend before the body; mark the task started when first resumed.
  auto initial_suspend() noexcept {
    struct Start {
      PromiseBase& promise;
      bool await_ready() const noexcept { return false; }
      void await_suspend(std::coroutine_handle<>) const noexcept {}
      void await_resume() const noexcept { promise.started_ = true; }
    };
    return Start{*this};
  }

  /// An exception escaped the body: keep it for whoever awaits the task.
  void unhandled_exception() noexcept { error_ = std::current_exception(); }

  /// The coroutine that awaits this one (`awaiting_promise`, if one of ours); resumed when this one finishes.
  void set_continuation(std::coroutine_handle<> awaiting, const PromiseBase* awaiting_promise) noexcept {
    continuation_ = awaiting;
    awaiting_ = awaiting_promise;
  }
  /// Makes this coroutine a root: no awaiter, `observer` is told when it finishes.
  void set_root_observer(RootObserver* observer) noexcept { observer_ = observer; }
  /// The exception that ended the body, if one did.
  std::exception_ptr error() const noexcept { return error_; }

protected:
  // [final]
  /// Where control goes when the body finishes: straight to the awaiting coroutine
  /// (symmetric transfer), or back to the loop if nobody awaits this one.
  std::coroutine_handle<> on_finished() noexcept {
    if (continuation_) {
      detail::note_switch(awaiting_);
      return continuation_;
    }
    if (observer_ != nullptr) observer_->root_done(*this);
    return std::noop_coroutine();
  }
  // [final]

private:
  std::coroutine_handle<> continuation_;
  const PromiseBase* awaiting_ = nullptr;
  RootObserver* observer_ = nullptr;
  std::exception_ptr error_;
  aio::Origin origin_;
  bool started_ = false;
};
// [promise-base]

namespace detail {

/// The part of a Task's promise that depends on T: how the value is returned and kept.
template <class T>
class ResultPromise : public PromiseBase {
public:
  using PromiseBase::PromiseBase;
  /// `co_return value;`
  template <class U = T>
  requires std::is_convertible_v<U&&, T>
  void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
    value_.emplace(std::forward<U>(value));
  }
  /// The value, moved out; or the body's exception, rethrown.
  T take_result() {
    if (error()) std::rethrow_exception(error());
    return std::move(*value_);
  }

private:
  std::optional<T> value_;
};

/// A `Task<void>`'s promise: nothing to keep but an exception.
template <>
class ResultPromise<void> : public PromiseBase {
public:
  using PromiseBase::PromiseBase;
  /// `co_return;` or the end of the body.
  void return_void() noexcept {}
  /// Rethrows the body's exception, if there was one.
  void take_result() const {
    if (error()) std::rethrow_exception(error());
  }
};

} // namespace detail

/// A coroutine producing a `T`: `Task<User> get_user(int id) { ...; co_return user; }`.
///
/// Lazy: calling `get_user(1)` only creates the frame; `co_await get_user(1)` runs it and gives
/// its result (or rethrows its exception). `[[nodiscard]]` and not convertible to `bool`, so the
/// two classic forms of a forgotten `co_await` do not compile; a task kept in a variable and
/// never awaited is reported when it is destroyed.
template <class T = void>
class [[nodiscard]] Task {
public:
  // [promise]
  /// The compiler's view of a Task coroutine.
  class promise_type : public detail::ResultPromise<T> {
  public:
    /// Records the coroutine's name and position: `Origin::here()` is evaluated inside it.
    explicit promise_type(aio::Origin origin = aio::Origin::here()) noexcept : detail::ResultPromise<T>(origin) {}
    /// The Task the caller receives; it owns the frame.
    Task get_return_object() noexcept { return Task(Handle::from_promise(*this)); }
    /// At the end of the body: transfer to the awaiting coroutine (see PromiseBase).
    auto final_suspend() noexcept {
      struct Transfer {
        bool await_ready() const noexcept { return false; }
        std::coroutine_handle<> await_suspend(Handle self) const noexcept { return self.promise().on_finished(); }
        void await_resume() const noexcept {}
      };
      return Transfer{};
    }
  };
  // [promise]

  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {} ///< Takes over the frame.
  /// Drops this task's frame (reporting it if it never ran), then takes over `other`'s.
  Task& operator=(Task&& other) noexcept {
    Task(std::move(other)).swap(*this);
    return *this;
  }
  Task(const Task&) = delete; ///< One frame, one owner.
  Task& operator=(const Task&) = delete;
  ~Task() { reset(); }

  // [awaiter]
  /// What `co_await task` does: start the task by symmetric transfer, and when it has
  /// finished (it transfers back to us), hand over its result.
  class Awaiter {
  public:
    /// Awaits the task whose frame is `child`.
    explicit Awaiter(std::coroutine_handle<promise_type> child) noexcept : child_(child) {}
    /// A finished task (or an empty one) need not suspend.
    bool await_ready() const noexcept { return !child_ || child_.done(); }
    /// Remember who to come back to, then run the child in our place.
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> awaiting) noexcept {
      child_.promise().set_continuation(awaiting, promise_of(awaiting));
      detail::note_switch(&child_.promise());
      return child_; // resumed by the caller of await_suspend: a tail call, not a nested call
    }
    /// The child's value, or its exception rethrown here.
    T await_resume() {
      if (!child_) throw std::logic_error("co_await on an empty (moved-from) Task");
      return child_.promise().take_result();
    }

  private:
    std::coroutine_handle<promise_type> child_;
  };
  // [awaiter]

  /// `co_await task`. A task is awaited once; its result is moved out.
  Awaiter operator co_await() && noexcept { return Awaiter(handle_); }
  /// `co_await task` on a named task.
  Awaiter operator co_await() & noexcept { return Awaiter(handle_); }

  /// True once the body has finished (or for an empty task).
  bool done() const noexcept { return !handle_ || handle_.done(); }
  /// The coroutine's name and where it is defined.
  aio::Origin origin() const noexcept { return handle_ ? handle_.promise().origin() : aio::Origin{}; }

  /// For loops: the frame's handle, still owned by this task.
  std::coroutine_handle<promise_type> handle() const noexcept { return handle_; }
  /// For loops that take ownership: the frame's handle; this task becomes empty.
  std::coroutine_handle<promise_type> release() noexcept { return std::exchange(handle_, {}); }

private:
  using Handle = std::coroutine_handle<promise_type>;
  explicit Task(Handle handle) noexcept : handle_(handle) {}
  void swap(Task& other) noexcept { std::swap(handle_, other.handle_); }

  // [never-awaited]
  void reset() noexcept {
    if (!handle_) return;
    if (!handle_.promise().started()) {
      const aio::Origin origin = handle_.promise().origin();
      aio::report({aio::Pitfall::never_run, "coroutine '" + std::string(origin.name()) + "' was never awaited", origin,
                   "co_await it where you need its result (auto x = co_await f();), or hand it to the loop"});
    }
    handle_.destroy();
    handle_ = {};
  }
  // [never-awaited]

  Handle handle_;
};

} // namespace coro
