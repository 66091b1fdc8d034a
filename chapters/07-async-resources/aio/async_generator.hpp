// aio::AsyncGenerator<T>: a coroutine that co_awaits and co_yields (Python: an async generator,
// consumed with `async for`).
//
//   aio::AsyncGenerator<int> async_range(int start, int end) {
//     for (int i = start; i < end; ++i) { co_await aio::sleep(100ms); co_yield i; }
//   }
//   auto numbers = async_range(1, 5);
//   while (auto number = co_await numbers.next()) use(*number);
//
// The generator runs inside the task that calls next(), as a coroutine awaited inline does: its
// co_awaits suspend that task, its cancellation is that task's. Nothing runs between two next()
// calls, and a generator dropped early is destroyed where it stopped, at a co_yield: its locals'
// destructors run then (its cleanup must not need to await; see the lesson).
#pragma once

#include "aio/future.hpp"
#include "aio/task.hpp"

#include <coroutine>
#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace aio {

template <class T>
class AsyncGenerator;

namespace detail {

// [generator-promise]
/// The promise of an AsyncGenerator: a coroutine awaited inline by each next() in turn (so that
/// every awaiter of the runtime works inside it), which hands back a value at each co_yield.
template <class T>
class GeneratorPromise final : public PromiseBase {
public:
  /// Records the coroutine's name and position, for reports.
  explicit GeneratorPromise(Origin origin = Origin::here()) noexcept : PromiseBase(origin) {}

  /// The AsyncGenerator the caller receives; it owns the frame.
  AsyncGenerator<T> get_return_object() noexcept;
  /// Lazy: nothing runs before the first next().
  std::suspend_always initial_suspend() const noexcept { return {}; }
  /// `co_yield value`: keeps it for next(), and goes back to the coroutine that called next().
  template <class U = T>
  auto yield_value(U&& value) {
    value_.emplace(std::forward<U>(value));
    return ToConsumer{};
  }
  /// The end of the body: next() gives std::nullopt.
  void return_void() noexcept { finish(FutureState::finished); }
  /// An exception escaped the body: next() rethrows it (CancelledError: it ends cancelled).
  void unhandled_exception() noexcept { fail(std::current_exception()); }
  /// At the end: back to the coroutine that called next().
  auto final_suspend() noexcept { return ToConsumer{}; }

  /// The handle of this coroutine.
  std::coroutine_handle<> handle() noexcept override {
    return std::coroutine_handle<GeneratorPromise>::from_promise(*this);
  }

  /// Runs the body until its next co_yield or its end, inside `consumer`'s task.
  std::coroutine_handle<> resume_from(PromiseBase& consumer) {
    if (running_) throw std::logic_error("this generator is already running: one next() at a time");
    running_ = true;
    return start_inline(consumer);
  }
  /// What the last step gave: a value; or std::nullopt at the end; or, once, the exception it
  /// ended with (then std::nullopt, as Python's StopAsyncIteration after an error).
  std::optional<T> take() {
    running_ = false;
    if (value_) return std::exchange(value_, std::nullopt);
    if (!thrown_ && (cancelled() || failed())) {
      thrown_ = true;
      if (cancelled()) throw CancelledError();
      std::rethrow_exception(exception());
    }
    return std::nullopt;
  }

private:
  struct ToConsumer {
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<GeneratorPromise> self) const noexcept {
      return self.promise().on_finished(); // to the consumer, by symmetric transfer
    }
    void await_resume() const noexcept {}
  };

  std::optional<T> value_;
  bool running_ = false;
  bool thrown_ = false; // the exception it ended with has come out of a next()
};
// [generator-promise]

} // namespace detail

// [async-generator]
/// An asynchronous generator of T values (Python: an `async def` with `yield`). Call the
/// coroutine to get one; nothing runs until the first next(). Move-only; destroying it destroys
/// the coroutine where it stopped.
template <class T>
class [[nodiscard]] AsyncGenerator {
  static_assert(!std::is_reference_v<T>, "an AsyncGenerator yields values: use a pointer or std::reference_wrapper");

public:
  using promise_type = detail::GeneratorPromise<T>; ///< What the compiler builds the frame around.
  class Next;

  AsyncGenerator(AsyncGenerator&& other) noexcept : frame_(std::exchange(other.frame_, nullptr)) {} ///< Takes it over.
  /// Drops the generator this one holds, then takes over `other`'s.
  AsyncGenerator& operator=(AsyncGenerator&& other) noexcept {
    std::swap(frame_, other.frame_);
    return *this;
  }
  ~AsyncGenerator() {
    if (frame_) frame_.destroy();
  }

  /// `std::optional<T> item = co_await gen.next();`: runs the generator to its next co_yield
  /// and gives that value; std::nullopt once it has ended (Python: `await anext(gen)`, and the
  /// StopAsyncIteration at the end). An exception the generator throws comes out here.
  Next next();

private:
  friend promise_type;
  explicit AsyncGenerator(std::coroutine_handle<promise_type> frame) noexcept : frame_(frame) {}

  std::coroutine_handle<promise_type> frame_;
};
// [async-generator]

/// What `co_await gen.next()` does.
template <class T>
class AsyncGenerator<T>::Next {
public:
  /// The next value of the generator whose frame is `frame`.
  explicit Next(std::coroutine_handle<promise_type> frame) noexcept : frame_(frame) {}
  /// Ended: std::nullopt at once. A cancellation waiting to be delivered: it comes out here,
  /// before the generator runs (so no value is produced and lost).
  bool await_ready() const noexcept {
    return frame_.done() || frame_.promise().done() || detail::PromiseBase::cancellation_pending();
  }
  /// Runs the generator inside the awaiting coroutine's task, until it yields or ends.
  template <class P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> awaiting) {
    resumed_ = true;
    return frame_.promise().resume_from(detail::promise_of(awaiting));
  }
  /// A cancellation is pending: delivered now if the generator did not run; if it ran, what it
  /// produced is not lost: it comes out, and the cancellation waits for the next co_await.
  bool give_back() const noexcept { return !resumed_; }
  /// The value it yielded, or std::nullopt at its end; or what it threw.
  std::optional<T> await_resume() { return frame_.promise().take(); }

private:
  std::coroutine_handle<promise_type> frame_;
  bool resumed_ = false;
};

template <class T>
typename AsyncGenerator<T>::Next AsyncGenerator<T>::next() {
  if (!frame_) throw std::logic_error("this AsyncGenerator is empty (moved from)");
  return Next(frame_);
}

template <class T>
AsyncGenerator<T> detail::GeneratorPromise<T>::get_return_object() noexcept {
  return AsyncGenerator<T>(std::coroutine_handle<GeneratorPromise>::from_promise(*this));
}

} // namespace aio
