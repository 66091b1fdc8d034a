// Exercise 2.3, reference answer: when_all().
#pragma once

#include "coro/event_loop.hpp"
#include "coro/task.hpp"

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace when_all_detail {

// Two arrivals, then the waiting coroutine is resumed through the loop.
class Join {
public:
  void arrive() {
    if (--remaining_ == 0 && waiter_) coro::EventLoop::current().call_soon(waiter_);
  }
  bool await_ready() const noexcept { return remaining_ == 0; }
  void await_suspend(std::coroutine_handle<> waiter) noexcept { waiter_ = waiter; }
  void await_resume() const noexcept {}

private:
  int remaining_ = 2;
  std::coroutine_handle<> waiter_;
};

template <class T>
coro::Task<> settle(coro::Task<T> task, std::optional<T>& value, std::exception_ptr& error, Join& join) {
  try {
    value.emplace(co_await std::move(task));
  } catch (...) {
    error = std::current_exception();
  }
  join.arrive();
}

} // namespace when_all_detail

/// Runs `first` and `second` concurrently on the running loop; finishes when both have.
template <class A, class B>
coro::Task<std::pair<A, B>> when_all(coro::Task<A> first, coro::Task<B> second) {
  std::optional<A> a; // locals of this frame: it outlives both spawned wrappers
  std::optional<B> b;
  std::exception_ptr a_error;
  std::exception_ptr b_error;
  when_all_detail::Join join;
  coro::EventLoop& loop = coro::EventLoop::current();
  loop.spawn(when_all_detail::settle(std::move(first), a, a_error, join));
  loop.spawn(when_all_detail::settle(std::move(second), b, b_error, join));
  co_await join;
  if (a_error) std::rethrow_exception(a_error);
  if (b_error) std::rethrow_exception(b_error);
  co_return std::pair<A, B>(std::move(*a), std::move(*b));
}
