// aio::with: open a resource, use it, and close it, asynchronously, whatever happens (Python:
// `async with`, for a resource whose close must await).
#pragma once

#include "aio/future.hpp"
#include "aio/task.hpp"
#include "aio/task_group.hpp"
#include "aio/watch.hpp"

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace aio {

namespace detail {

// [close-fully]
/// Runs `resource.close()` to its end, as a task of its own, even if the awaiting task is
/// cancelled meanwhile (a cancellation then comes out after the close). Returns the close's
/// error, or null.
template <class Resource>
Task<std::exception_ptr> close_fully(Resource& resource) {
  Task<> closing = create_task(resource.close());
  std::exception_ptr cancelled;
  while (!closing.done()) {
    // Awaiting the task itself would cancel it along with us: await a future it sets instead.
    Future<> finished;
    closing.add_done_callback([finished](PromiseBase&) mutable {
      if (!finished.done()) finished.set_result();
    });
    try {
      co_await finished;
    } catch (const CancelledError&) {
      cancelled = std::current_exception();
    }
  }
  if (cancelled) std::rethrow_exception(cancelled);
  if (closing.cancelled()) co_return std::make_exception_ptr(CancelledError());
  co_return closing.exception();
}
// [close-fully]

} // namespace detail

// [with]
/// `co_await aio::with(open_conn(dsn), [](Conn& conn) -> aio::Task<R> { ... })`: awaits `open`,
/// runs `body` on the resource it gives, then awaits the resource's `close()`, on every way out
/// of the body: a value, an exception, a cancellation (Python: `async with`). Returns the
/// body's value. The close runs to its end, even if another cancel() comes during it.
///
/// Errors: if `open` fails, nothing is closed (open cleans up after itself). If the body fails,
/// its error comes out once the resource is closed. If close() fails, its error comes out;
/// if both failed, an aio::ExceptionGroup carries both (the body's first), unless the body was
/// cancelled: then close()'s error comes out, as Python's `__aexit__` error would.
template <class Resource, class Body>
Task<typename detail::TaskValue<std::invoke_result_t<Body&, Resource&>>::type> with(Task<Resource> open, Body body) {
  using T = typename detail::TaskValue<std::invoke_result_t<Body&, Resource&>>::type;
  Resource resource = co_await std::move(open);
  std::optional<Value<T>> result;
  std::exception_ptr body_error;
  try {
    if constexpr (std::is_void_v<T>) {
      co_await body(resource);
      result.emplace();
    } else {
      result.emplace(co_await body(resource));
    }
  } catch (...) {
    body_error = std::current_exception();
  }
  std::exception_ptr close_error = co_await detail::close_fully(resource);
  if (close_error && body_error) {
    try {
      std::rethrow_exception(body_error);
    } catch (const CancelledError&) {
      std::rethrow_exception(close_error);
    } catch (...) {
      throw ExceptionGroup({body_error, close_error});
    }
  }
  if (body_error) std::rethrow_exception(body_error);
  if (close_error) std::rethrow_exception(close_error);
  if constexpr (!std::is_void_v<T>) co_return std::move(*result);
}
// [with]

} // namespace aio
