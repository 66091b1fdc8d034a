// aio::Guard: releases what `co_await x.scoped()` acquired, when it goes out of scope.
#pragma once

#include <utility>

namespace aio {

// [guard]
/// Holds a Lock, or a permit of a Semaphore, and releases it when destroyed: the C++ form of
/// Python's `async with lock:`. Acquiring may have to wait, so it is a `co_await`; releasing
/// never does, so a destructor can do it, on every way out of the scope (return, exception,
/// CancelledError). Move-only.
template <class Primitive>
class [[nodiscard]] Guard {
public:
  /// Takes over the hold on `primitive`, which the caller has acquired.
  explicit Guard(Primitive& primitive) noexcept : held_(&primitive) {}
  Guard(Guard&& other) noexcept : held_(std::exchange(other.held_, nullptr)) {} ///< Takes it over.
  Guard& operator=(Guard&&) = delete;
  ~Guard() {
    if (held_ != nullptr) held_->release();
  }
  /// Releases it now, before the end of the scope.
  void release() {
    if (held_ != nullptr) std::exchange(held_, nullptr)->release();
  }
  /// True until released.
  bool holds() const noexcept { return held_ != nullptr; }

private:
  Primitive* held_;
};
// [guard]

/// `co_await x.scoped()`: the awaiter of `x.acquire()`, which gives a Guard once acquired.
template <class Acquire, class Primitive>
class Scoped : public Acquire {
public:
  /// Acquires `primitive`.
  explicit Scoped(Primitive& primitive) noexcept : Acquire(primitive), primitive_(primitive) {}
  /// Acquired (or the acquire threw): the guard that will release it.
  Guard<Primitive> await_resume() {
    Acquire::await_resume();
    return Guard<Primitive>(primitive_);
  }

private:
  Primitive& primitive_;
};

} // namespace aio
