// Exercise 4.2: wait_first(), wait for whichever of two futures is done first.
#pragma once

#include "aio/future.hpp"
#include "aio/task.hpp"

#include "aio/todo.hpp"

#include <cstddef>

/// Waits until `a` or `b` is done (finished or cancelled) and gives 0 if `a` was done first, 1 if
/// `b` was (0 if both already were). It neither reads nor changes either future: the caller
/// looks at the winner, and the other one goes on. Nothing is left waiting on the loop for the
/// loser: once wait_first has returned, the loser finishing later must not touch anything of
/// wait_first's.
template <class A, class B>
aio::Task<std::size_t> wait_first(aio::Future<A> a, aio::Future<B> b) {
  (void)a;
  (void)b;
  AIO_TODO("4.2");
  co_return 0;
}
