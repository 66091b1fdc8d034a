// Exercise 12.3, a reference answer: polite_fetch_all().
#pragma once

#include "aio/event_loop.hpp"
#include "aio/gather.hpp"
#include "aio/http/session.hpp"
#include "aio/http/url.hpp"
#include "aio/lock.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

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
  // Per host: whose turn it is to start (a fair Lock: first come, first served), and when
  // the last request to it started.
  std::map<std::string, std::unique_ptr<aio::Lock>> turns;
  std::map<std::string, aio::TimePoint> last_start;
  const auto one = [&](std::string url) -> aio::Task<std::string> {
    const std::string host = aio::http::Url::parse(url).authority();
    auto& turn = turns[host];
    if (!turn) turn = std::make_unique<aio::Lock>();
    {
      auto held = co_await turn->scoped(); // held only until this request has started
      aio::EventLoop& loop = aio::EventLoop::get_running_loop();
      if (const auto last = last_start.find(host); last != last_start.end() && loop.time() < last->second + interval)
        co_await aio::sleep(last->second + interval - loop.time());
      last_start[host] = loop.time();
      on_start(url);
    }
    aio::http::Response response = co_await session.get(url);
    co_return co_await response.read();
  };
  std::vector<aio::Task<std::string>> all;
  for (const std::string& url : urls) all.push_back(one(url));
  co_return co_await aio::gather(std::move(all));
}
