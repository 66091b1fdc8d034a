// Exercise 11.2: to_thread with a timeout, which gives up waiting but not the thread.
#pragma once

#include "aio/task.hpp"
#include "aio/thread_pool.hpp"
#include "aio/timeout.hpp"

#include "aio/todo.hpp"

#include <chrono>
#include <optional>
#include <ostream>
#include <type_traits>

/// Runs `f()` on the default pool and gives its value, unless `timeout` passes first: then it
/// gives nothing, and writes one line to `log` saying that the call goes on in the background
/// ("to_thread_for: gave up after 50 ms; the call goes on in the background (a thread cannot be
/// stopped)"), since it does. What `f` throws within the timeout is thrown.
template <class F>
aio::Task<std::optional<std::invoke_result_t<F&>>> to_thread_for(aio::Duration timeout, F f, std::ostream& log) {
  (void)timeout;
  (void)f;
  (void)log;
  AIO_TODO("11.2");
  co_return std::nullopt;
}
