// Exercise 4.2, a reference answer: wait_first(), whichever of two futures is done first.
#pragma once

#include "aio/future.hpp"
#include "aio/task.hpp"

#include <cstddef>

/// Waits until `a` or `b` is done (finished or cancelled) and gives 0 if `a` was done first, 1 if
/// `b` was (0 if both already were). It neither reads nor changes either future: the caller
/// looks at the winner, and the other one goes on. Nothing is left waiting on the loop for the
/// loser: once wait_first has returned, the loser finishing later must not touch anything of
/// wait_first's.
template <class A, class B>
aio::Task<std::size_t> wait_first(aio::Future<A> a, aio::Future<B> b) {
  if (a.done()) co_return 0;
  if (b.done()) co_return 1;
  aio::Future<std::size_t> winner(a.get_loop());
  // Each callback holds its own copy of `winner`: the loser's runs after we have returned, and
  // finds it done.
  a.add_done_callback([winner](aio::Future<A>&) mutable {
    if (!winner.done()) winner.set_result(0);
  });
  b.add_done_callback([winner](aio::Future<B>&) mutable {
    if (!winner.done()) winner.set_result(1);
  });
  co_return co_await winner;
}
