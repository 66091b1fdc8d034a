// Chapter 12 exercises. Compiled twice: against your files in exercises/12-http-client/ (what
// ./course grade 12 runs) and against the reference answers in solutions/. Every request goes
// to a real server (the chapter's aiohttp application, started for each test), under the
// pitfall guard.
#include "download.hpp"
#include "fetch_with_retry.hpp"
#include "polite_fetch.hpp"

#include "local_servers.hpp"

#include "aio/epoll_selector.hpp"
#include "aio/event_loop.hpp"
#include "aio/http/errors.hpp"
#include "aio/http/session.hpp"
#include "aio/run.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using aio::Task;
using aio::demos::LocalServers;
using aio::demos::pattern;
using aio::http::ClientSession;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

template <class T>
T run_io(Task<T> main) {
  aio::EpollSelector selector;
  return aio::run(std::move(main), {.selector = &selector});
}

aio::TimePoint now() { return aio::EventLoop::get_running_loop().time(); }

// A file name of this test's own, in the build tree.
std::string scratch(const char* name) {
  return std::string(AIO_CH12_RUN_DIR) + "/" + name + "-" + std::to_string(::getpid());
}

RetryPolicy quick(int attempts) {
  RetryPolicy policy;
  policy.attempts = attempts;
  policy.first_delay = 20ms;
  policy.factor = 2.0;
  return policy;
}

} // namespace

// --- 12.1 ---------------------------------------------------------------------------------

AIO_TEST_CASE("fetch_with_retry: 503, 503, then 200: the body of the third try", "[ex12.1]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    const aio::TimePoint start = now();
    const std::string body = co_await fetch_with_retry(session, servers.app("/flaky/a/2"), quick(4));
    CHECK(body == "ok after 3 attempts");
    CHECK(now() - start >= 60ms); // waited 20 ms, then 40 ms: the waits grow
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("fetch_with_retry: out of attempts, the last 5xx is thrown as ClientResponseError", "[ex12.1]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    int status = 0;
    try {
      co_await fetch_with_retry(session, servers.app("/flaky/b/5"), quick(3));
    } catch (const aio::http::ClientResponseError& error) {
      status = error.status();
    }
    CHECK(status == 503);
    const std::string after = co_await fetch_with_retry(session, servers.app("/flaky/b/5"), quick(3));
    CHECK(after == "ok after 6 attempts"); // it did try 3 times, then 3 more
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("fetch_with_retry: a 404 is thrown at once, never tried again", "[ex12.1]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    const aio::TimePoint start = now();
    int status = 0;
    try {
      co_await fetch_with_retry(session, servers.app("/status/404"), quick(4));
    } catch (const aio::http::ClientResponseError& error) {
      status = error.status();
    }
    CHECK(status == 404);
    CHECK(now() - start < 20ms); // no wait before giving up
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("fetch_with_retry: a try that times out is tried again", "[ex12.1]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    RetryPolicy policy = quick(3);
    policy.timeout = {.total = 200ms};
    const std::string body = co_await fetch_with_retry(session, servers.app("/flaky/c/1?slow=1"), policy);
    CHECK(body == "ok after 2 attempts");
    co_await session.close();
  };
  run_io(main());
}

// --- 12.2 ---------------------------------------------------------------------------------

AIO_TEST_CASE("download: 300,000 bytes into a file, piece by piece, with progress", "[ex12.2]") {
  LocalServers servers;
  const std::string path = scratch("download");
  const auto main = [&]() -> Task<> {
    ClientSession session({.read_size = 16 * 1024});
    std::vector<std::size_t> seen;
    std::optional<std::size_t> announced;
    const std::size_t written = co_await download(session, servers.app("/bytes/300000"), path,
                                                  [&](std::size_t done, std::optional<std::size_t> total) {
                                                    seen.push_back(done);
                                                    announced = total;
                                                  });
    CHECK(written == 300000);
    CHECK(announced == 300000);
    REQUIRE(seen.size() >= 18); // 300,000 bytes in pieces of at most 16 KiB
    CHECK(std::is_sorted(seen.begin(), seen.end()));
    CHECK(seen.back() == 300000);
    CHECK(session.connector().stats().idle == 1); // read to its end: the connection is kept
    co_await session.close();
  };
  run_io(main());
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  CHECK((content.str() == pattern(300000)));
  std::filesystem::remove(path);
}

AIO_TEST_CASE("download: a body that breaks off throws, and leaves no partial file", "[ex12.2]") {
  LocalServers servers;
  const std::string path = scratch("broken");
  const auto main = [&]() -> Task<> {
    ClientSession session;
    std::size_t last = 0;
    bool failed = false;
    try {
      co_await download(session, servers.app("/drop?after=50000"), path,
                        [&](std::size_t done, std::optional<std::size_t>) { last = done; });
    } catch (const aio::http::ClientPayloadError&) {
      failed = true;
    }
    CHECK(failed);
    CHECK(last > 0); // it had started writing
    co_await session.close();
  };
  run_io(main());
  CHECK_FALSE(std::filesystem::exists(path));
}

AIO_TEST_CASE("download: a 404 makes no file", "[ex12.2]") {
  LocalServers servers;
  const std::string path = scratch("missing");
  const auto main = [&]() -> Task<> {
    ClientSession session;
    int status = 0;
    try {
      co_await download(session, servers.app("/status/404"), path, [](std::size_t, std::optional<std::size_t>) {});
    } catch (const aio::http::ClientResponseError& error) {
      status = error.status();
    }
    CHECK(status == 404);
    co_await session.close();
  };
  run_io(main());
  CHECK_FALSE(std::filesystem::exists(path));
}

// --- 12.3 ---------------------------------------------------------------------------------

AIO_TEST_CASE("polite_fetch_all: one host's requests start an interval apart, and another host does not wait",
              "[ex12.3]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    std::vector<std::string> urls;
    for (int i = 0; i < 4; ++i) urls.push_back(servers.app("/bytes/" + std::to_string(i + 1), 1));
    for (int i = 0; i < 4; ++i) urls.push_back(servers.app("/bytes/" + std::to_string(i + 5), 2));
    std::vector<std::pair<std::string, aio::TimePoint>> starts;
    const std::vector<std::string> bodies = co_await polite_fetch_all(
        session, urls, 50ms, [&](const std::string& url) { starts.emplace_back(url, now()); });
    REQUIRE(bodies.size() == 8);
    for (std::size_t i = 0; i < 8; ++i) CHECK(bodies[i] == pattern(i + 1));
    REQUIRE(starts.size() == 8);
    for (const char* host : {"127.0.0.1", "127.0.0.2"}) {
      std::vector<aio::TimePoint> times;
      for (const auto& [url, when] : starts)
        if (url.find(host) != std::string::npos) times.push_back(when);
      REQUIRE(times.size() == 4);
      for (std::size_t i = 1; i < times.size(); ++i) CHECK(times[i] - times[i - 1] >= 50ms);
    }
    // Both hosts' first requests start before either host's second.
    CHECK(starts[0].first.find("127.0.0.1") != std::string::npos);
    CHECK(starts[1].first.find("127.0.0.2") != std::string::npos);
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("polite_fetch_all: the bodies come back in the order of the URLs", "[ex12.3]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    const std::vector<std::string> urls{servers.app("/delay/0.2"), servers.app("/bytes/3", 2),
                                        servers.app("/status/404", 3)};
    int started = 0;
    const std::vector<std::string> bodies =
        co_await polite_fetch_all(session, urls, 10ms, [&](const std::string&) { ++started; });
    CHECK(bodies == std::vector<std::string>{"slept 0.2", "012", "status 404"});
    CHECK(started == 3);
    co_await session.close();
  };
  run_io(main());
}
