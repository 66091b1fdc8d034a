// The pool's limits, counted by the server: never more than limit or limit_per_host open,
// waiters served in order, idle connections expired, and no slot lost to cancellations.
#include "servers.hpp"

#include "aio/clock.hpp"
#include "aio/gather.hpp"
#include "aio/http/errors.hpp"
#include "aio/http/session.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <random>
#include <string>
#include <vector>

using aio::Task;
using aio::demos::HostCounts;
using aio::demos::LocalServers;
using aio::http::ClientSession;
using aio::http::Response;
using test12::body_of;
using test12::run_io;
using namespace std::chrono_literals;

namespace {

Task<int> status_of(ClientSession& session, std::string url) {
  Response response = co_await session.get(std::move(url));
  co_await response.read();
  co_return response.status();
}

} // namespace

AIO_TEST_CASE("Pool: 50 requests, limit_per_host=10 on three hosts: 10 connections to each, never more",
              "[ch12][pool][seeds]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<std::vector<HostCounts>> {
    ClientSession session({.connector = {.limit = 100, .limit_per_host = 10}});
    std::vector<Task<int>> requests;
    for (int i = 0; i < 50; ++i) requests.push_back(status_of(session, servers.app("/hold/0.05", 1 + i % 3)));
    const std::vector<int> statuses = co_await aio::gather(std::move(requests));
    CHECK(std::count(statuses.begin(), statuses.end(), 200) == 50);
    CHECK(session.connector().stats().open == 30);
    co_await session.close();
    std::vector<HostCounts> counts;
    for (const char* host : {"127.0.0.1", "127.0.0.2", "127.0.0.3"})
      counts.push_back(co_await test12::counts(servers, host));
    co_return counts;
  };
  for (const HostCounts& host : run_io(main())) {
    CHECK(host.opened == 10);
    CHECK(host.peak_open == 10);
    CHECK(host.peak_in_flight == 10);
  }
}

AIO_TEST_CASE("Pool: limit=4 in all across three hosts: at most 4 open at once, idle ones closed to make room",
              "[ch12][pool]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<HostCounts> {
    ClientSession session({.connector = {.limit = 4}});
    std::vector<Task<int>> requests;
    for (int i = 0; i < 30; ++i) requests.push_back(status_of(session, servers.app("/hold/0.02", 1 + i % 3)));
    co_await aio::gather(std::move(requests));
    CHECK(session.connector().stats().open <= 4);
    co_await session.close();
    co_return co_await test12::counts(servers, "all");
  };
  const HostCounts all = run_io(main());
  CHECK(all.peak_open <= 4);
  CHECK(all.peak_in_flight == 4);
}

AIO_TEST_CASE("Pool: requests waiting for a host's slot are served first come, first served", "[ch12][pool]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<std::vector<int>> {
    ClientSession session({.connector = {.limit_per_host = 1}});
    std::vector<int> order;
    const auto one = [&](int i) -> Task<> {
      co_await body_of(session, servers.app("/hold/0.01"));
      order.push_back(i);
    };
    std::vector<Task<>> all;
    for (int i = 0; i < 8; ++i) all.push_back(one(i));
    co_await aio::gather(std::move(all));
    CHECK(session.connector().stats().open == 1);
    co_await session.close();
    co_return order;
  };
  CHECK(run_io(main()) == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7});
}

AIO_TEST_CASE("Pool: force_close makes one connection per request", "[ch12][pool]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<HostCounts> {
    ClientSession session({.connector = {.force_close = true}});
    for (int i = 0; i < 5; ++i) co_await body_of(session, servers.app("/bytes/10"));
    CHECK(session.connector().stats().open == 0);
    co_await session.close();
    co_return co_await test12::counts(servers, "127.0.0.1");
  };
  CHECK(run_io(main()).opened == 5);
}

AIO_TEST_CASE("Pool: an idle connection is kept for keepalive_timeout (15 s), then closed (virtual time)",
              "[ch12][pool]") {
  LocalServers servers;
  aio::VirtualClock clock; // (no timer runs while a request waits for the server: no total timeout)
  const auto main = [&servers]() -> Task<HostCounts> {
    ClientSession session({.timeout = {.total = std::nullopt}});
    co_await body_of(session, servers.app("/bytes/10"));
    co_await aio::sleep(14s);
    CHECK(session.connector().stats().idle == 1); // still kept
    co_await body_of(session, servers.app("/bytes/10"));
    co_await aio::sleep(16s);
    CHECK(session.connector().stats().open == 0); // 15 s idle: closed
    co_await body_of(session, servers.app("/bytes/10"));
    co_await session.close();
    co_return co_await test12::counts(servers, "127.0.0.1");
  };
  CHECK(run_io(main(), clock).opened == 2);
}

AIO_TEST_CASE("Pool: 1,000 requests, a third cancelled at random points, leave no slot taken and no half-read "
              "connection in the pool",
              "[ch12][pool][cancel]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session({.connector = {.limit = 10, .limit_per_host = 10}});
    std::mt19937 random(12); // a fixed seed: the same run every time
    std::vector<Task<int>> requests;
    for (int i = 0; i < 1000; ++i) {
      // Some small bodies, some larger than one read (cancelled mid-body, perhaps).
      const std::string path = i % 4 == 0 ? "/chunked/200000?chunk=20000" : "/bytes/" + std::to_string(i % 300);
      requests.push_back(aio::create_task(status_of(session, servers.app(path, 1 + i % 2))));
    }
    // A third of them, in order, each after 0 or 1 passes of the loop: the first ones while they
    // connect or read, the later ones while they wait for a slot.
    for (int i = 0; i < 1000; ++i) {
      if (random() % 3 != 0) continue;
      if (random() % 2 == 0) co_await aio::sleep(0s);
      requests[static_cast<std::size_t>(i)].cancel();
    }
    auto outcomes = co_await aio::gather_settled(std::move(requests));
    int ok = 0, cancelled = 0, errors = 0;
    for (auto& outcome : outcomes) {
      if (outcome.ok()) {
        ok += outcome.value() == 200 ? 1 : 0;
        continue;
      }
      try {
        std::rethrow_exception(outcome.error());
      } catch (const aio::CancelledError&) {
        ++cancelled;
      } catch (...) {
        ++errors;
      }
    }
    CHECK(cancelled > 200);
    CHECK(errors == 0); // no request ever got a connection someone else had left half-read
    CHECK(ok + cancelled == 1000);
    const aio::http::PoolStats stats = session.connector().stats();
    CHECK(stats.waiting == 0);
    CHECK(stats.open == stats.idle); // nothing is still held
    CHECK(stats.open <= 10);
    const int after = co_await status_of(session, servers.app("/bytes/5")); // and the pool still serves
    CHECK(after == 200);
    co_await session.close();
  };
  run_io(main());
}
