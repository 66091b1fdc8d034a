// Exercise 2.1: yield_now(), an awaiter that lets every other ready coroutine run once.
#pragma once

#include "coro/event_loop.hpp"

#include "aio/todo.hpp"

#include <coroutine>

/// What `co_await yield_now()` waits on: nothing, except its turn.
///
/// The coroutine suspends and goes to the back of the loop's ready queue, so everything that
/// was ready before it runs first. It takes no time on the loop's clock (Python's
/// `await asyncio.sleep(0)` does the same, through a timer; this goes straight to the queue).
class YieldAwaiter {
public:
  /// Whether the coroutine can skip suspending.
  bool await_ready() const { AIO_TODO("2.1"); }
  /// Called with the suspended coroutine's handle: arrange for it to be resumed.
  void await_suspend(std::coroutine_handle<> self) const {
    (void)self;
    AIO_TODO("2.1");
  }
  /// What `co_await` evaluates to: nothing.
  void await_resume() const noexcept {}
};

/// Suspends the caller until every coroutine that was ready has had a turn.
inline YieldAwaiter yield_now() noexcept { return {}; }
