// Chapter 12's demos: the seeds' scraper and three GETs, the pool's limits as the server saw
// them, a crawler on a Queue, and the unread-body pitfall.
#include "demos.hpp"

#include "local_servers.hpp"

#include "aio/epoll_selector.hpp"
#include "aio/gather.hpp"
#include "aio/http/errors.hpp"
#include "aio/http/session.hpp"
#include "aio/queue.hpp"
#include "aio/run.hpp"
#include "aio/task.hpp"
#include "aio/with.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <vector>

namespace aio::demos {
namespace {

using namespace std::chrono_literals;
using http::ClientSession;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string fixed(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

template <class T>
T run_io(Task<T> main) {
  EpollSelector selector;
  return aio::run(std::move(main), {.selector = &selector});
}

// [seeds-scraper]
// The seeds' fetch_url: a result, or the error, as a value; one failure never stops the rest.
struct FetchResult {
  std::string url;
  int status = 0;
  std::size_t length = 0;
  std::string error; // empty if it worked
};

Task<FetchResult> fetch_url(ClientSession& session, std::string url) {
  try {
    http::RequestOptions options;
    options.timeout = http::ClientTimeout{.total = 10s};
    http::Response response = co_await session.get(url, options);
    const std::string content = co_await response.text();
    co_return FetchResult{url, response.status(), content.size(), {}};
  } catch (const std::exception& error) {
    co_return FetchResult{url, 0, 0, error.what()};
  }
}

Task<std::vector<FetchResult>> scrape_urls(std::vector<std::string> urls) {
  // `async with aiohttp.ClientSession() as session:`
  co_return co_await with(http::open_session(), [&urls](ClientSession& session) -> Task<std::vector<FetchResult>> {
    std::vector<Task<FetchResult>> tasks;
    for (const std::string& url : urls) tasks.push_back(fetch_url(session, url));
    co_return co_await gather(std::move(tasks));
  });
}
// [seeds-scraper]

// [crawler]
// The crawler: workers take URLs from the queue, fetch them without following redirects, and
// put back every link (and every redirect's Location) not seen before, on the same host.
struct Crawl {
  explicit Crawl(http::Url start) : root(std::move(start)) {}
  http::Url root;
  Queue<std::string> todo;
  std::set<std::string> seen;
  int pages = 0, redirects = 0, broken = 0, in_flight = 0, most_in_flight = 0;
};

void add_url(Crawl& crawl, const std::string& url) {
  if (crawl.seen.insert(url).second) crawl.todo.put_nowait(url);
}

// The href="..." values of a page (enough for the site it crawls; a real crawler would parse).
std::vector<std::string> links_in(const std::string& page) {
  std::vector<std::string> links;
  for (std::size_t at = page.find("href=\""); at != std::string::npos; at = page.find("href=\"", at)) {
    at += 6;
    const std::size_t end = page.find('"', at);
    if (end == std::string::npos) break;
    links.push_back(page.substr(at, end - at));
  }
  return links;
}

Task<> fetch_and_follow(Crawl& crawl, ClientSession& session, std::string url) {
  http::RequestOptions options;
  options.allow_redirects = false; // a redirect is one more URL for the queue
  http::Response response = co_await session.get(url, options);
  const std::string body = co_await response.read();
  const http::Url here = http::Url::parse(url);
  if (response.status() >= 300 && response.status() < 400) {
    ++crawl.redirects;
    if (const auto location = response.headers().get("Location")) add_url(crawl, here.join(*location).to_string());
  } else if (response.status() == 200) {
    ++crawl.pages;
    for (const std::string& link : links_in(body)) {
      const http::Url target = here.join(link);
      if (target.same_origin(crawl.root)) add_url(crawl, target.to_string());
    }
  } else {
    ++crawl.broken;
    std::cout << "  " << response.status() << ' ' << url << '\n';
  }
}

Task<> worker(Crawl& crawl, ClientSession& session) {
  for (;;) {
    std::string url = co_await crawl.todo.get();
    crawl.most_in_flight = std::max(crawl.most_in_flight, ++crawl.in_flight);
    try {
      co_await fetch_and_follow(crawl, session, std::move(url));
    } catch (const http::ClientError& error) {
      ++crawl.broken;
      std::cout << "  error: " << error.what() << '\n';
    }
    --crawl.in_flight;
    crawl.todo.task_done();
  }
}

Task<> crawl_site(std::string root, int workers) {
  Crawl crawl(http::Url::parse(root));
  add_url(crawl, root);
  ClientSession session;
  const auto start = std::chrono::steady_clock::now();
  std::vector<Task<>> crew;
  for (int i = 0; i < workers; ++i) crew.push_back(create_task(worker(crawl, session)));
  co_await crawl.todo.join(); // every URL put in has been done
  for (Task<>& task : crew) task.cancel();
  co_await gather_settled(std::move(crew));                         // they end at their get(), cancelled
  const std::size_t connections = session.connector().stats().open; // every one idle now, kept for reuse
  co_await session.close();
  std::cout << crawl.seen.size() << " URLs: " << crawl.pages << " pages, " << crawl.redirects << " redirects, "
            << crawl.broken << " broken, " << workers << " workers (at most " << crawl.most_in_flight
            << " fetching at once) over " << connections << " kept-alive connections, "
            << fixed(seconds_since(start), 2) << " s\n";
}
// [crawler]

} // namespace

void scraper(double delay) {
  LocalServers servers;
  const std::vector<std::string> urls{servers.app("/delay/" + fixed(delay, 2)),
                                      servers.app("/delay/" + fixed(2 * delay, 2)), servers.app("/status/404"),
                                      "http://127.0.0.1:1/nobody-listens"};
  const auto start = std::chrono::steady_clock::now();
  const std::vector<FetchResult> results = run_io(scrape_urls(urls));
  for (const FetchResult& result : results) {
    if (result.error.empty()) {
      std::cout << "{url: " << result.url << ", status: " << result.status << ", length: " << result.length << "}\n";
    } else {
      std::cout << "{url: " << result.url << ", error: " << result.error << "}\n";
    }
  }
  std::cout << results.size() << " URLs in " << fixed(seconds_since(start), 2) << " s: the slowest ("
            << fixed(2 * delay, 2) << " s), not the sum\n";
}

void three_gets() {
  LocalServers servers({.app = false, .nginx = true});
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    std::vector<Task<http::Response>> gets;
    for (const char* path : {"/index.html", "/big.txt", "/site/0.html"})
      gets.push_back(session.get(servers.nginx(path)));
    for (http::Response& response : co_await gather(std::move(gets))) {
      const std::string body = co_await response.read();
      std::cout << response.url().path() << ": " << body.size() << " bytes"
                << (response.headers().contains("Content-Encoding") ? " (sent gzip'd and chunked, inflated as it came)"
                                                                    : "")
                << '\n';
    }
    co_await session.close();
  };
  run_io(main());
}

// [pool-limits]
void pool_limits(int requests, double hold) {
  LocalServers servers;
  const auto main = [&]() -> Task<> {
    ClientSession session({.connector = {.limit = 100, .limit_per_host = 10}});
    ClientSession control; // the demo's own questions to the server, on 127.0.0.9
    http::Response reset = co_await control.get(servers.app("/reset", 9));
    co_await reset.read();
    const auto one = [&session](std::string url) -> Task<int> {
      http::Response response = co_await session.get(url);
      co_await response.read();
      co_return response.status();
    };
    std::vector<Task<int>> all;
    for (int i = 0; i < requests; ++i) all.push_back(one(servers.app("/hold/" + fixed(hold, 2), 1 + i % 3)));
    const auto start = std::chrono::steady_clock::now();
    co_await gather(std::move(all));
    const double took = seconds_since(start);
    http::Response stats = co_await control.get(servers.app("/stats", 9));
    const std::string text = co_await stats.read();
    std::cout << requests << " requests of " << fixed(hold, 2) << " s, limit=100, limit_per_host=10, in "
              << fixed(took, 2) << " s\n"
              << "| host      | requests | connections opened | most open at once | most in flight |\n"
              << "|-----------|----------|--------------------|-------------------|----------------|\n";
    for (int host = 1; host <= 3; ++host) {
      const std::string name = "127.0.0." + std::to_string(host);
      const HostCounts counts = counts_for(text, name);
      const int mine = requests / 3 + (host <= requests % 3 ? 1 : 0);
      char row[128];
      std::snprintf(row, sizeof row, "| %-9s | %8d | %18d | %17d | %14d |\n", name.c_str(), mine, counts.opened,
                    counts.peak_open, counts.peak_in_flight);
      std::cout << row;
    }
    std::cout << "the session's pool: " << session.connector().stats().open << " connections open, "
              << session.connector().stats().idle << " idle\n";
    co_await session.close();
    co_await control.close();
  };
  run_io(main());
}
// [pool-limits]

void crawler(int workers) {
  LocalServers servers({.app = false, .nginx = true});
  run_io(crawl_site(servers.nginx("/site/0.html"), workers));
}

// [unread-body]
void unread_body() {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    {
      // A megabyte: far more than comes with the headers, so it is still on its way.
      http::Response response = co_await session.get(servers.app("/bytes/1000000"));
      std::cout << "status " << response.status() << ", body never read\n";
    } // dropped here: reported, and its connection closed
    std::cout << "open connections: " << session.connector().stats().open << '\n';
    {
      http::Response response = co_await session.get(servers.app("/bytes/1000000"));
      co_await response.read();
      std::cout << "status " << response.status() << ", body read\n";
    }
    std::cout << "open connections: " << session.connector().stats().open << " (idle, ready for the next request)\n";
    co_await session.close();
  };
  run_io(main());
}
// [unread-body]

} // namespace aio::demos
