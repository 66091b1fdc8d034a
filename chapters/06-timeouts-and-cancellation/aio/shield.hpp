// aio::shield: await a task without letting a cancellation reach it (Python: asyncio.shield).
#pragma once

#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/task.hpp"
#include "aio/watch.hpp"

#include <type_traits>
#include <utility>

namespace aio {

// [shield]
/// Awaits `task` (started as a task if it has not started) through a future of its own: if the
/// awaiting task is cancelled, that future is cancelled, not `task`, which runs on to its end
/// (Python: `await asyncio.shield(task)`). Its outcome is then nobody's: a failure after the
/// shield was cancelled is read and dropped, as asyncio does.
template <class T>
Task<T> shield(Task<T> task) {
  detail::ensure_task(task);
  Future<Value<T>> outer(EventLoop::get_running_loop());
  task.add_done_callback([outer](detail::Promise<T>& inner) mutable {
    if (outer.done()) { // the shield was cancelled: nobody waits for this outcome any more
      if (!inner.cancelled()) inner.exception();
    } else if (inner.cancelled()) {
      outer.cancel();
    } else if (std::exception_ptr error = inner.exception()) {
      outer.set_exception(error);
    } else if constexpr (std::is_void_v<T>) {
      outer.set_result(std::monostate{});
    } else {
      outer.set_result(std::move(inner.value()));
    }
  });
  if constexpr (std::is_void_v<T>) {
    co_await std::move(outer);
  } else {
    co_return co_await std::move(outer);
  }
}
// [shield]

} // namespace aio
