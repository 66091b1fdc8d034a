// What chapter 12's tests share: a loop on epoll, and the aiohttp application's counters read
// through a session of the test's own (on 127.0.0.9, which the server does not count).
#pragma once

#include "local_servers.hpp"

#include "aio/clock.hpp"
#include "aio/epoll_selector.hpp"
#include "aio/http/session.hpp"
#include "aio/run.hpp"
#include "aio/task.hpp"

#include <string>
#include <utility>

namespace test12 {

/// aio::run of `main` on an EpollSelector, on `clock`.
template <class T>
T run_io(aio::Task<T> main, aio::Clock& clock = aio::steady_clock()) {
  aio::EpollSelector selector;
  return aio::run(std::move(main), {.clock = &clock, .selector = &selector});
}

/// The body of GET `url`, read with `session`.
inline aio::Task<std::string> body_of(aio::http::ClientSession& session, std::string url) {
  aio::http::Response response = co_await session.get(std::move(url));
  co_return co_await response.read();
}

/// The aiohttp application's counters for `host` ("127.0.0.1", or "all"), asked on 127.0.0.9.
inline aio::Task<aio::demos::HostCounts> counts(const aio::demos::LocalServers& servers, std::string host) {
  aio::http::ClientSession control({.timeout = {.total = std::nullopt}}); // (no timer: virtual time stays put)
  const std::string stats = co_await body_of(control, servers.app("/stats", 9));
  co_await control.close();
  co_return aio::demos::counts_for(stats, host);
}

} // namespace test12
