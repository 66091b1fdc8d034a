// Exercise 12.3: polite_fetch_all().
#pragma once

#include "aio/event_loop.hpp"
#include "aio/gather.hpp"
#include "aio/http/session.hpp"
#include "aio/http/url.hpp"
#include "aio/lock.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/todo.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

/// GETs every URL at once and gives their bodies in the order of `urls`, but politely: two
/// requests to the same host (and port) start at least `interval` apart, the first at once;
/// requests to different hosts never wait for each other. `on_start(url)` is called as each
/// request starts.
inline aio::Task<std::vector<std::string>> polite_fetch_all(aio::http::ClientSession& session,
                                                            std::vector<std::string> urls, aio::Duration interval,
                                                            std::function<void(const std::string&)> on_start) {
  (void)session;
  (void)urls;
  (void)interval;
  (void)on_start;
  AIO_TODO("12.3");
  co_return std::vector<std::string>();
}
