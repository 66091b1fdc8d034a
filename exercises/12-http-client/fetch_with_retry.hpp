// Exercise 12.1: fetch_with_retry().
#pragma once

#include "aio/http/errors.hpp"
#include "aio/http/session.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/todo.hpp"
#include "aio/timeout.hpp"

#include <chrono>
#include <exception>
#include <string>

/// How often and how patiently fetch_with_retry() tries.
struct RetryPolicy {
  int attempts = 4;                                     ///< Tries in all, the first included.
  aio::Duration first_delay = std::chrono::milliseconds(100); ///< The wait after the first failure.
  double factor = 2.0;                                  ///< Each wait is this many times the last.
  aio::http::ClientTimeout timeout = {.total = std::chrono::seconds(10)}; ///< For each try.
};

/// GETs `url` and gives its body. A 5xx answer, a timeout or a connection that fails is tried
/// again after a wait that grows by `factor` each time (100 ms, 200 ms, 400 ms, ...), up to
/// `policy.attempts` tries; then the last failure is thrown (a 5xx as ClientResponseError). A
/// 4xx is the caller's mistake: ClientResponseError at once, never tried again.
inline aio::Task<std::string> fetch_with_retry(aio::http::ClientSession& session, std::string url,
                                               RetryPolicy policy) {
  (void)session;
  (void)url;
  (void)policy;
  AIO_TODO("12.1");
  co_return std::string();
}
