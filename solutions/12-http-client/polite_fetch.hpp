// Exercise 12.3, a reference answer: polite_fetch_all().
#pragma once

#include "aio/event_loop.hpp"
#include "aio/gather.hpp"
#include "aio/http/session.hpp"
#include "aio/http/url.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

/// GETs every URL at once and gives their bodies in the order of `urls`, but politely: two
/// requests to the same host (and port) start at least `interval` apart, the first at once;
/// requests to different hosts never wait for each other. `on_start(url)` is called as each
/// request starts.
inline aio::Task<std::vector<std::string>> polite_fetch_all(aio::http::ClientSession& session,
                                                            std::vector<std::string> urls, aio::Duration interval,
                                                            std::function<void(const std::string&)> on_start) {
  std::map<std::string, aio::TimePoint> next_start; // per host: the earliest the next may start
  const auto one = [&](std::string url) -> aio::Task<std::string> {
    const aio::http::Url parsed = aio::http::Url::parse(url);
    const std::string host = parsed.authority();
    const aio::TimePoint now = aio::EventLoop::get_running_loop().time();
    // Take a turn before waiting: the next request to this host starts one interval after ours.
    auto [slot, fresh] = next_start.try_emplace(host, now);
    const aio::TimePoint start = fresh || slot->second < now ? now : slot->second;
    slot->second = start + interval;
    if (start > now) co_await aio::sleep(start - now);
    on_start(url);
    aio::http::Response response = co_await session.get(url);
    co_return co_await response.read();
  };
  std::vector<aio::Task<std::string>> all;
  for (const std::string& url : urls) all.push_back(one(url));
  co_return co_await aio::gather(std::move(all));
}
