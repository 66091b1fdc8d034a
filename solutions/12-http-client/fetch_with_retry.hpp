// Exercise 12.1, a reference answer: fetch_with_retry().
#pragma once

#include "aio/http/errors.hpp"
#include "aio/http/session.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/timeout.hpp"

#include <chrono>
#include <exception>
#include <string>

/// How often and how patiently fetch_with_retry() tries.
struct RetryPolicy {
  int attempts = 4;                                                       ///< Tries in all, the first included.
  aio::Duration first_delay = std::chrono::milliseconds(100);             ///< The wait after the first failure.
  double factor = 2.0;                                                    ///< Each wait is this many times the last.
  aio::http::ClientTimeout timeout = {.total = std::chrono::seconds(10)}; ///< For each try.
};

/// GETs `url` and gives its body. A 5xx answer, a timeout or a connection that fails is tried
/// again after a wait that grows by `factor` each time (100 ms, 200 ms, 400 ms, ...), up to
/// `policy.attempts` tries; then the last failure is thrown (a 5xx as ClientResponseError). A
/// 4xx is the caller's mistake: ClientResponseError at once, never tried again.
inline aio::Task<std::string> fetch_with_retry(aio::http::ClientSession& session, std::string url, RetryPolicy policy) {
  aio::Duration delay = policy.first_delay;
  for (int attempt = 1;; ++attempt) {
    std::exception_ptr failure;
    try {
      aio::http::RequestOptions options;
      options.timeout = policy.timeout;
      aio::http::Response response = co_await session.get(url, options);
      std::string body = co_await response.read();
      if (response.status() < 500) {
        response.raise_for_status(); // a 4xx: thrown, and not caught below
        co_return body;
      }
      failure = std::make_exception_ptr(
          aio::http::ClientResponseError(response.status(), response.reason(), response.url().to_string()));
    } catch (const aio::TimeoutError&) {
      failure = std::current_exception();
    } catch (const aio::http::ClientConnectionError&) {
      failure = std::current_exception();
    }
    if (attempt >= policy.attempts) std::rethrow_exception(failure);
    co_await aio::sleep(delay);
    delay = std::chrono::duration_cast<aio::Duration>(delay * policy.factor);
  }
}
