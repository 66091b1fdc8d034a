// What chapter 12's tests share: a loop on epoll, and the aiohttp application's counters read
// through a session of the test's own (on 127.0.0.9, which the server does not count).
#pragma once

#include "local_servers.hpp"

#include "aio/clock.hpp"
#include "aio/epoll_selector.hpp"
#include "aio/http/errors.hpp"
#include "aio/http/session.hpp"
#include "aio/run.hpp"
#include "aio/task.hpp"

#include <exception>
#include <string>
#include <utility>

namespace test12 {

/// aio::run of `main` on an EpollSelector, on `clock`.
template <class T>
T run_io(aio::Task<T> main, aio::Clock& clock = aio::steady_clock()) {
  aio::EpollSelector selector;
  return aio::run(std::move(main), {.clock = &clock, .selector = &selector});
}

/// The body of GET `url` with `options`, read with `session`.
inline aio::Task<std::string> body_of(aio::http::ClientSession& session, std::string url,
                                      aio::http::RequestOptions options) {
  aio::http::Response response = co_await session.get(std::move(url), std::move(options));
  co_return co_await response.read();
}

/// The same with no options.
inline aio::Task<std::string> body_of(aio::http::ClientSession& session, std::string url) {
  return body_of(session, std::move(url), aio::http::RequestOptions());
}

/// What `task` threw: "payload: ", "invalid: ", "connection: " or "other: " and the message;
/// "no error" if it threw nothing.
template <class T>
aio::Task<std::string> error_of(aio::Task<T> task) {
  try {
    co_await std::move(task);
  } catch (const aio::http::ClientPayloadError& error) {
    co_return std::string("payload: ") + error.what();
  } catch (const aio::http::InvalidResponse& error) {
    co_return std::string("invalid: ") + error.what();
  } catch (const aio::http::ClientConnectionError& error) {
    co_return std::string("connection: ") + error.what();
  } catch (const std::exception& error) {
    co_return std::string("other: ") + error.what();
  }
  co_return "no error";
}

/// The aiohttp application's counters for `host` ("127.0.0.1", or "all"), asked on 127.0.0.9.
inline aio::Task<aio::demos::HostCounts> counts(const aio::demos::LocalServers& servers, std::string host) {
  aio::http::ClientSession control({.timeout = {.total = std::nullopt}}); // (no timer: virtual time stays put)
  const std::string stats = co_await body_of(control, servers.app("/stats", 9));
  co_await control.close();
  co_return aio::demos::counts_for(stats, host);
}

} // namespace test12
