// ClientSession against servers nobody here wrote (aiohttp's, nginx): bodies of every framing,
// keep-alive reuse counted by the server, redirects, statuses, and the session's pitfalls.
#include "servers.hpp"

#include "aio/http/errors.hpp"
#include "aio/http/session.hpp"
#include "aio/task.hpp"
#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"
#include "aio/with.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using aio::Task;
using aio::demos::HostCounts;
using aio::demos::LocalServers;
using aio::demos::pattern;
using aio::http::ClientSession;
using aio::http::Response;
using Catch::Matchers::Contains;
using test12::body_of;
using test12::error_of;
using test12::run_io;

AIO_TEST_CASE("ClientSession: a GET's status, headers and body", "[ch12][session]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    Response response = co_await session.get(servers.app("/bytes/1234"));
    CHECK(response.status() == 200);
    CHECK(response.reason() == "OK");
    CHECK(response.ok());
    CHECK(response.content_length() == 1234);
    CHECK(response.headers().get("content-type") == "application/octet-stream");
    const std::string body = co_await response.read();
    CHECK(body == pattern(1234));
    const std::string again = co_await response.read(); // the same, as aiohttp's
    CHECK(again == body);
    CHECK(response.released());
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("ClientSession: ten GETs one after the other use one connection, as the server counts",
              "[ch12][session][pool]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<HostCounts> {
    ClientSession session;
    for (int i = 0; i < 10; ++i) {
      const std::string body = co_await body_of(session, servers.app("/bytes/100"));
      CHECK(body.size() == 100);
    }
    CHECK(session.connector().stats().open == 1);
    CHECK(session.connector().stats().idle == 1);
    co_await session.close();
    co_return co_await test12::counts(servers, "127.0.0.1");
  };
  const HostCounts counts = run_io(main());
  CHECK(counts.opened == 1);
}

AIO_TEST_CASE(
    "ClientSession: POST sends its body with a Content-Length, and the session's headers go with every request",
    "[ch12][session]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    aio::http::SessionOptions options;
    options.headers.add("X-Course", "aio");
    ClientSession session(options);
    Response response = co_await session.post(servers.app("/echo"), "name=ada&lang=c++");
    const std::string echoed = co_await response.read();
    CHECK_THAT(echoed, Contains("\"method\": \"POST\"") && Contains("\"body\": \"name=ada&lang=c++\"") &&
                           Contains("\"Content-Length\": \"17\"") && Contains("\"X-Course\": \"aio\"") &&
                           Contains("\"Host\": \"127.0.0.1:"));
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("ClientSession: HEAD, 204 and 304 have no body, and their connection is reused", "[ch12][session]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<HostCounts> {
    ClientSession session;
    Response head = co_await session.head(servers.app("/bytes/5000"));
    CHECK(head.content_length() == 5000);
    CHECK(head.released()); // nothing to read
    const std::string nothing = co_await head.read();
    CHECK(nothing.empty());
    for (const char* status : {"/status/204", "/status/304"}) {
      Response response = co_await session.get(servers.app(status));
      CHECK(response.released());
    }
    co_await session.close();
    co_return co_await test12::counts(servers, "127.0.0.1");
  };
  CHECK(run_io(main()).opened == 1);
}

AIO_TEST_CASE("ClientSession: a chunked body read chunk by chunk as it arrives", "[ch12][session][body]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session({.read_size = 4096});
    Response response = co_await session.get(servers.app("/chunked/100000?chunk=1000"));
    CHECK_FALSE(response.headers().contains("Content-Length"));
    CHECK(response.headers().get("Transfer-Encoding") == "chunked");
    std::string body;
    int chunks = 0;
    for (std::string chunk = co_await response.read_chunk(); !chunk.empty(); chunk = co_await response.read_chunk()) {
      CHECK(chunk.size() <= 4096);
      body += chunk;
      ++chunks;
    }
    CHECK(body == pattern(100000));
    CHECK(chunks >= 25); // 100,000 bytes in pieces of at most 4 KiB
    CHECK(session.connector().stats().idle == 1);
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("ClientSession: nginx's gzip'd, chunked text is inflated as it comes", "[ch12][session][body][nginx]") {
  LocalServers servers({.app = false, .nginx = true});
  std::string expected;
  for (int i = 0; expected.size() < 256 * 1024; ++i) expected += "line " + std::to_string(i) + " of a long text\n";
  expected.resize(256 * 1024);
  const auto main = [&]() -> Task<> {
    ClientSession session;
    Response response = co_await session.get(servers.nginx("/big.txt"));
    CHECK(response.headers().get("Content-Encoding") == "gzip");
    CHECK(response.headers().get("Transfer-Encoding") == "chunked");
    const std::string body = co_await response.read();
    CHECK(body.size() == expected.size());
    CHECK((body == expected));
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("ClientSession: redirects are followed with relative Locations, and history remembers them",
              "[ch12][session][redirects]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    Response response = co_await session.get(servers.app("/redirect/3"));
    CHECK(response.status() == 200);
    CHECK(response.url().target == "/redirect/0");
    REQUIRE(response.history().size() == 3);
    CHECK(response.history()[0].target == "/redirect/3");
    CHECK(response.history()[2].target == "/redirect/1");
    const std::string body = co_await response.read();
    CHECK(body == "redirected");
    CHECK(session.connector().stats().open == 1); // every redirect's body was read: one connection
    aio::http::RequestOptions no_follow;
    no_follow.allow_redirects = false;
    Response first = co_await session.get(servers.app("/redirect/3"), no_follow);
    CHECK(first.status() == 302);
    CHECK(first.headers().get("Location") == "2");
    first.release();
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("ClientSession: a redirect loop stops at max_redirects with a clear error",
              "[ch12][session][redirects]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    const std::string loop = co_await error_of(session.get(servers.app("/loop")));
    CHECK_THAT(loop, Contains("more than 10 redirects") && Contains("/loop"));
    const std::string ten = co_await body_of(session, servers.app("/redirect/10")); // exactly 10: fine
    CHECK(ten == "redirected");
    aio::http::RequestOptions two;
    two.max_redirects = 2;
    const std::string three = co_await error_of(session.get(servers.app("/redirect/3"), two));
    CHECK_THAT(three, Contains("more than 2 redirects"));
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("ClientSession: 303 turns a POST into a GET, and 307 and 308 keep the method and body",
              "[ch12][session][redirects]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    for (const char* status : {"303", "302", "307", "308"}) {
      Response response =
          co_await session.post(servers.app("/redirect-to?url=/echo&status=" + std::string(status)), "data");
      const std::string echoed = co_await response.read();
      const bool kept = std::string(status) == "307" || std::string(status) == "308";
      INFO(status);
      CHECK_THAT(echoed, Contains(kept ? "\"method\": \"POST\"" : "\"method\": \"GET\""));
      CHECK_THAT(echoed, Contains(kept ? "\"body\": \"data\"" : "\"body\": \"\""));
    }
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("ClientSession: nginx's return 301 to another path", "[ch12][session][redirects][nginx]") {
  LocalServers servers({.app = false, .nginx = true});
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    Response response = co_await session.get(servers.nginx("/moved"));
    CHECK(response.status() == 200);
    CHECK(response.url().target == "/index.html");
    REQUIRE(response.history().size() == 1);
    const std::string page = co_await response.read();
    CHECK_THAT(page, Contains("<title>aio</title>"));
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("ClientSession: raise_for_status() throws ClientResponseError for 4xx and 5xx", "[ch12][session]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    Response missing = co_await session.get(servers.app("/status/404"));
    CHECK_FALSE(missing.ok());
    co_await missing.read();
    int status = 0;
    try {
      missing.raise_for_status();
    } catch (const aio::http::ClientResponseError& error) {
      status = error.status();
      CHECK_THAT(error.what(), Contains("404 Not Found from http://127.0.0.1:"));
    }
    CHECK(status == 404);
    Response fine = co_await session.get(servers.app("/status/200"));
    co_await fine.read();
    CHECK_NOTHROW(fine.raise_for_status());
    co_await session.close();
  };
  run_io(main());
}

AIO_TEST_CASE("ClientSession: a kept connection the server closed meanwhile is replaced once, unseen",
              "[ch12][session][pool]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<HostCounts> {
    ClientSession session;
    const std::string bye = co_await body_of(session, servers.app("/close-after"));
    CHECK(bye == "bye");
    // The answer said keep-alive, so the connection is idle in the pool; the server has closed it.
    const std::string next = co_await body_of(session, servers.app("/bytes/10"));
    CHECK(next == "0123456789");
    co_await session.close();
    co_return co_await test12::counts(servers, "127.0.0.1");
  };
  CHECK(run_io(main()).opened == 2);
}

AIO_TEST_CASE("ClientSession: a closed session refuses new requests, and aio::with closes it", "[ch12][session]") {
  LocalServers servers;
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    co_await session.close();
    const std::string refused = co_await error_of(session.get(servers.app("/bytes/1")));
    CHECK_THAT(refused, Contains("the session is closed"));
    const std::size_t open =
        co_await aio::with(aio::http::open_session(), [&servers](ClientSession& s) -> Task<std::size_t> {
          co_await body_of(s, servers.app("/bytes/1"));
          co_return s.connector().stats().open;
        });
    CHECK(open == 1);
  };
  run_io(main());
}

TEST_CASE("ClientSession: a session never closed is reported, and its connections closed",
          "[ch12][session][pitfalls]") {
  LocalServers servers;
  aio::testing::RecordingSink sink;
  aio::ScopedSink scoped(sink);
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    co_await body_of(session, servers.app("/bytes/1"));
  }; // dropped open
  run_io(main());
  REQUIRE(sink.count(aio::Pitfall::left_open) == 1);
  CHECK_THAT(sink.reports().front().summary, Contains("a ClientSession was never closed"));
  CHECK_THAT(sink.reports().front().fix, Contains("co_await session.close()"));
}

TEST_CASE("Response: a body never read is reported, but read, released or cancelled, it is not",
          "[ch12][session][pitfalls]") {
  LocalServers servers;
  aio::testing::RecordingSink sink;
  aio::ScopedSink scoped(sink);
  const auto main = [&servers]() -> Task<> {
    ClientSession session;
    { Response dropped = co_await session.get(servers.app("/bytes/1000000")); }
    {
      Response released = co_await session.get(servers.app("/bytes/1000000"));
      released.release();
    }
    {
      Response read = co_await session.get(servers.app("/bytes/1000000"));
      co_await read.read();
    }
    co_await session.close();
  };
  run_io(main());
  REQUIRE(sink.count(aio::Pitfall::unread_body) == 1);
  CHECK_THAT(sink.reports().front().summary, Contains("/bytes/1000000 (200) was never read"));
  CHECK(std::string(sink.reports().front().origin.file).ends_with("test_session.cpp"));
}
