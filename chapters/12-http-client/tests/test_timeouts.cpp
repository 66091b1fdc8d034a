// ClientTimeout: connect (to a listener that never completes a handshake), sock_read (a body
// that goes quiet), total (a slow answer), each a ServerTimeoutError that says which, and the
// slot given back every time.
#include "servers.hpp"

#include "aio/errors.hpp"
#include "aio/http/errors.hpp"
#include "aio/http/session.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/testing/guard.hpp"
#include "aio/timeout.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <system_error>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using aio::Task;
using aio::demos::LocalServers;
using aio::http::ClientSession;
using aio::http::ClientTimeout;
using aio::http::RequestOptions;
using aio::http::Response;
using Catch::Matchers::Contains;
using test12::body_of;
using test12::run_io;
using namespace std::chrono_literals;

namespace {

// A listener whose backlog (0) is full with one connection nobody accepts: the kernel drops
// the SYNs of any other, so connecting to it never completes.
class BlackHole {
public:
  BlackHole()
      : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)),
        filler_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd_, 0) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      throw std::system_error(errno, std::generic_category(), "black hole");
    port_ = ntohs(address.sin_port);
    if (::connect(filler_, reinterpret_cast<sockaddr*>(&address), length) != 0)
      throw std::system_error(errno, std::generic_category(), "fill the backlog");
  }
  ~BlackHole() {
    ::close(filler_);
    ::close(fd_);
  }
  BlackHole(const BlackHole&) = delete;
  BlackHole& operator=(const BlackHole&) = delete;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

private:
  int fd_;
  int filler_;
  std::uint16_t port_ = 0;
};

RequestOptions with_timeout(ClientTimeout timeout) {
  RequestOptions options;
  options.timeout = timeout;
  return options;
}

// The message of the ServerTimeoutError `task` threw; fails the test if it threw anything else.
template <class T>
Task<std::string> timeout_of(Task<T> task) {
  try {
    co_await std::move(task);
  } catch (const aio::http::ServerTimeoutError& error) {
    const aio::TimeoutError& general = error; // catchable as any timeout, as in aiohttp
    co_return general.what();
  }
  co_return "no timeout";
}

} // namespace

AIO_TEST_CASE("ClientTimeout: connect gives up on a host that never answers the handshake", "[ch12][timeouts]") {
  BlackHole hole;
  const auto main = [&hole]() -> Task<> {
    ClientSession session;
    const auto start = aio::EventLoop::get_running_loop().time();
    const std::string error = co_await timeout_of(session.get(hole.url(), with_timeout({.connect = 200ms})));
    CHECK_THAT(error, Contains("connecting to http://127.0.0.1:") && Contains("(the connect timeout)"));
    CHECK(aio::EventLoop::get_running_loop().time() - start >= 200ms);
    CHECK(session.connector().stats().open == 0); // the slot came back
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("ClientTimeout: connect also bounds the wait for a slot of the pool", "[ch12][timeouts][pool]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session({.connector = {.limit = 1}});
    Task<std::string> holder = aio::create_task(body_of(session, servers.app("/hold/1")));
    while (session.connector().stats().open == 0) co_await aio::sleep(0s); // until it has the one slot
    const std::string error =
        co_await timeout_of(session.get(servers.app("/bytes/1"), with_timeout({.connect = 100ms})));
    CHECK_THAT(error, Contains("(the connect timeout)"));
    CHECK(session.connector().stats().waiting == 0);
    const std::string held = co_await holder;
    CHECK(held == "held");
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("ClientTimeout: sock_read catches a body that goes quiet", "[ch12][timeouts][body]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    // A chunk every 2 s: the first comes, then nothing for longer than 300 ms.
    const std::string error = co_await timeout_of(
        body_of(session, servers.app("/slow?chunks=3&delay=2"), with_timeout({.sock_read = 300ms})));
    CHECK_THAT(error, Contains("reading from http://127.0.0.1:") && Contains("(the sock_read timeout)"));
    CHECK(session.connector().stats().open == 0); // half-read: closed, never pooled
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("ClientTimeout: total bounds the whole request, its body included", "[ch12][timeouts]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session({.timeout = {.total = 400ms}});
    const std::string slow_answer = co_await timeout_of(body_of(session, servers.app("/delay/3")));
    CHECK_THAT(slow_answer, Contains("took longer than its total timeout (0.4 s)"));
    // Each chunk comes within 300 ms, but all of them take more than the total.
    const std::string slow_body = co_await timeout_of(
        body_of(session, servers.app("/slow?chunks=10&delay=0.1"), with_timeout({.total = 400ms, .sock_read = 1s})));
    CHECK_THAT(slow_body, Contains("total timeout (0.4 s)"));
    const std::string fast = co_await body_of(session, servers.app("/delay/0.01"));
    CHECK(fast == "slept 0.01");
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("ClientTimeout: aio::wait_for around a request cancels it cleanly, slot and all",
              "[ch12][timeouts][cancel]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session({.connector = {.limit = 1}});
    bool timed_out = false;
    try {
      co_await aio::wait_for(body_of(session, servers.app("/slow?chunks=5&delay=1")), 300ms);
    } catch (const aio::TimeoutError&) {
      timed_out = true;
    }
    CHECK(timed_out);
    CHECK(session.connector().stats().open == 0);
    const std::string next = co_await body_of(session, servers.app("/bytes/3")); // the one slot is free
    CHECK(next == "012");
    co_await session.close();
  };
  run_io(main());
}
