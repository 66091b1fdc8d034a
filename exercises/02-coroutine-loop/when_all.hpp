// Exercise 2.3: when_all(), run two tasks at the same time and wait for both.
#pragma once

#include "coro/event_loop.hpp"
#include "coro/task.hpp"

#include "aio/todo.hpp"

#include <utility>

/// Runs `first` and `second` concurrently on the running loop; finishes when both have, with
/// both results. Waiting 1 s and 2 s at once takes 2 s, not 3. If either throws, when_all
/// still waits for the other, then rethrows the exception (the first task's, if both threw).
template <class A, class B>
coro::Task<std::pair<A, B>> when_all(coro::Task<A> first, coro::Task<B> second) {
  (void)first;
  (void)second;
  AIO_TODO("2.3");
}
