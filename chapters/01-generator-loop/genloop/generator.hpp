// Generator<T>: a C++20 coroutine that produces values with co_yield, written from scratch.
// The compiler turns the function body into a state machine like FibonacciMachine; the
// promise_type below tells it what to do at each suspension point.
#pragma once

#include "aio/diagnostics.hpp"

#include <coroutine>
#include <exception>
#include <iterator>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace genloop {

/// A lazy sequence of `T` produced by a coroutine body with `co_yield`.
///
/// Nothing runs until the first `resume()` (or `begin()`); each `resume()` runs the body to
/// its next `co_yield`. It can be iterated with range-for, or handed to an `EventLoop` that
/// resumes it step by step. A generator destroyed without ever being run is reported as
/// a pitfall: usually it was meant to be given to a loop and was forgotten.
template <class T>
class [[nodiscard]] Generator {
public:
  // [promise]
  /// What the compiler consults at each suspension point of a `Generator<T>` coroutine.
  class promise_type {
  public:
    /// Records which coroutine this is: `Origin::here()` is evaluated inside it.
    explicit promise_type(aio::Origin origin = aio::Origin::here()) noexcept : origin_(origin) {}

    /// The object the caller receives: it owns the coroutine frame.
    Generator get_return_object() noexcept { return Generator(Handle::from_promise(*this)); }
    /// Lazy: the body does not start until someone resumes it.
    std::suspend_always initial_suspend() noexcept { return {}; }
    /// Stay suspended at the end, so the owner can see `done()` and destroy the frame.
    std::suspend_always final_suspend() noexcept { return {}; }
    /// `co_yield value`: keep the value, then suspend back to whoever resumed us.
    std::suspend_always yield_value(T value) noexcept(std::is_nothrow_move_constructible_v<T>) {
      value_.emplace(std::move(value));
      return {};
    }
    /// Falling off the end of the body.
    void return_void() noexcept {}
    /// An exception escaped the body: keep it for `resume()` to rethrow to its caller.
    void unhandled_exception() noexcept { error_ = std::current_exception(); }

  private:
    friend class Generator;
    std::optional<T> value_;
    std::exception_ptr error_;
    aio::Origin origin_;
    bool started_ = false;
  };
  // [promise]

  /// Takes over `other`'s frame; `other` becomes empty (done, never reported).
  Generator(Generator&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  /// Destroys this generator's frame (reporting it if it never ran), then takes over `other`'s.
  Generator& operator=(Generator&& other) noexcept {
    Generator(std::move(other)).swap(*this);
    return *this;
  }
  Generator(const Generator&) = delete; ///< One frame, one owner: a copy would resume it twice.
  Generator& operator=(const Generator&) = delete;
  ~Generator() { reset(); }

  // [resume]
  /// Runs the body to its next `co_yield`. Returns true if it yielded a value (see `value()`),
  /// false once the body has finished. Rethrows an exception that escaped the body.
  bool resume() {
    if (!handle_ || handle_.done()) return false;
    handle_.promise().started_ = true;
    handle_.resume(); // runs until the next co_yield or the end of the body
    if (auto error = std::exchange(handle_.promise().error_, nullptr)) std::rethrow_exception(error);
    return !handle_.done();
  }
  // [resume]

  /// The value of the last `co_yield`. Only valid after `resume()` returned true.
  const T& value() const { return *handle_.promise().value_; }

  /// True once the body has finished (or for a moved-from generator).
  bool done() const noexcept { return !handle_ || handle_.done(); }

  /// The coroutine's name and where it is defined, for reports.
  aio::Origin origin() const noexcept { return handle_ ? handle_.promise().origin_ : aio::Origin{}; }

  /// Input iterator for range-for: `for (int x : fibonacci(5))`.
  class iterator {
  public:
    using value_type = T;                   ///< What `*it` refers to.
    using difference_type = std::ptrdiff_t; ///< Required of iterators; never used.
    iterator() = default;                   ///< The end position.
    /// Positioned at `owner`'s current value.
    explicit iterator(Generator* owner) : owner_(owner) {}
    /// The current value.
    const T& operator*() const { return owner_->value(); }
    /// Resumes the generator to its next value (or to the end).
    iterator& operator++() {
      if (!owner_->resume()) owner_ = nullptr;
      return *this;
    }
    /// As `++it`; input iterators return nothing useful here.
    void operator++(int) { ++*this; }
    /// True at the end of the sequence.
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.owner_ == nullptr; }

  private:
    Generator* owner_ = nullptr;
  };

  /// Starts (or continues) the generator and returns an iterator at its next value.
  iterator begin() { return resume() ? iterator(this) : iterator(); }
  /// The end of the sequence.
  std::default_sentinel_t end() const noexcept { return {}; }

private:
  using Handle = std::coroutine_handle<promise_type>;
  explicit Generator(Handle handle) noexcept : handle_(handle) {}

  void swap(Generator& other) noexcept { std::swap(handle_, other.handle_); }

  // [never-run]
  void reset() noexcept {
    if (!handle_) return;
    if (!handle_.promise().started_) {
      const aio::Origin origin = handle_.promise().origin_;
      aio::report({aio::Pitfall::never_run, "generator '" + std::string(origin.name()) + "' was created but never run",
                   origin,
                   "its body runs only when something resumes it: give it to the loop "
                   "(loop.add(std::move(gen))) or iterate it"});
    }
    handle_.destroy();
    handle_ = {};
  }
  // [never-run]

  Handle handle_;
};

} // namespace genloop
