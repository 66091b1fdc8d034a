// What real servers rarely do, made to happen: a server that vanishes mid-body, garbage for a
// status line, a bad chunk size, headers too large, a refused port. Each is a clean error, and
// the broken connection never goes back to the pool.
#include "servers.hpp"

#include "aio/http/errors.hpp"
#include "aio/http/session.hpp"
#include "aio/server.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <string>

using aio::Task;
using aio::demos::LocalServers;
using aio::http::ClientSession;
using aio::http::Response;
using Catch::Matchers::Contains;
using test12::body_of;
using test12::error_of;
using test12::run_io;

namespace {

// A server of our own that answers every request with `answer` and closes: for answers no
// real server would send.
Task<std::string> answered_with(std::string answer) {
  const auto handler = [answer](aio::StreamReader reader, aio::StreamWriter writer) -> Task<> {
    co_await reader.readuntil("\r\n\r\n");
    writer.write(answer);
    co_await writer.drain();
    writer.close();
    co_await writer.wait_closed();
  };
  aio::Server server = co_await aio::start_server(handler, "127.0.0.1", 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.sockets().at(0).port) + "/";
  ClientSession session;
  const std::string error = co_await error_of(body_of(session, url));
  CHECK(session.connector().stats().open == 0);
  co_await session.close();
  server.close();
  co_await server.wait_closed();
  co_return error;
}

} // namespace

AIO_TEST_CASE("Faults: a server that drops the connection mid-body: an error, and the connection is not reused",
              "[ch12][faults]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    const std::string error = co_await error_of(body_of(session, servers.app("/drop?after=5000")));
    CHECK_THAT(error, Contains("payload: the server closed the connection before the body was complete") &&
                          Contains("of the 100000 announced"));
    CHECK(session.connector().stats().open == 0);
    const std::string next = co_await body_of(session, servers.app("/bytes/4"));
    CHECK(next == "0123");
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("Faults: garbage for a status line", "[ch12][faults]") {
  const std::string error = run_io(answered_with("SSH-2.0-OpenSSH_9.2\r\n\r\n"));
  CHECK_THAT(error, Contains("invalid: the response is not valid HTTP/1.1"));
}

AIO_TEST_CASE("Faults: a bad chunk size", "[ch12][faults]") {
  const std::string error =
      run_io(answered_with("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n"));
  CHECK_THAT(error, Contains("payload: the body is not valid HTTP/1.1"));
}

AIO_TEST_CASE("Faults: headers larger than the limits", "[ch12][faults]") {
  const std::string error = run_io(answered_with("HTTP/1.1 200 OK\r\nX-Huge: " + std::string(20000, 'h') + "\r\n\r\n"));
  CHECK_THAT(error, Contains("invalid:") && Contains("longer than 8190 bytes"));
}

AIO_TEST_CASE("Faults: a response that ends before its headers do", "[ch12][faults]") {
  const std::string error = run_io(answered_with("HTTP/1.1 200 OK\r\nContent-Le"));
  CHECK_THAT(error, Contains("connection: the server closed the connection in the middle of its headers"));
}

AIO_TEST_CASE("Faults: more bytes than the response: the connection is not reused", "[ch12][faults]") {
  const std::string error = run_io(answered_with("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n"));
  CHECK(error == "no error");
}

AIO_TEST_CASE("Faults: a port nobody listens on", "[ch12][faults]") {
  const auto main = []() -> Task<std::string> {
    ClientSession session;
    const std::string error = co_await error_of(session.get("http://127.0.0.1:1/"));
    co_await session.close();
    co_return error;
  };
  CHECK_THAT(run_io(main()), Contains("connection: cannot connect to 127.0.0.1:1") && Contains("refused"));
}
