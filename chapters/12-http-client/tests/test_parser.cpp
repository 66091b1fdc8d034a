// llhttp behind ResponseParser: responses cut at every byte, chunked bodies with trailers,
// bodies that run to the end of the stream, HEAD, 204, gzip; and malformed ones, refused.
#include "aio/http/errors.hpp"
#include "aio/http/parser.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <zlib.h>

using aio::http::ClientPayloadError;
using aio::http::InvalidResponse;
using aio::http::ResponseParser;
using aio::http::ServerDisconnectedError;
using Catch::Matchers::Contains;

namespace {

// Feeds `wire` in pieces of `piece` bytes; the body collected.
std::string feed_in_pieces(ResponseParser& parser, std::string_view wire, std::size_t piece) {
  std::string body;
  while (!wire.empty() && !parser.done()) {
    const std::string_view part = wire.substr(0, piece);
    const std::size_t used = parser.feed(part);
    wire.remove_prefix(used);
    body += parser.body();
    parser.body().clear();
    if (used < part.size()) break;
  }
  return body;
}

std::string gzip(const std::string& text) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, text.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

} // namespace

TEST_CASE("ResponseParser: a response with a Content-Length, fed one byte at a time or all at once", "[ch12][parser]") {
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Split: a\r\n b\r\n\r\nhello";
  for (std::size_t piece : {std::size_t{1}, std::size_t{2}, std::size_t{7}, wire.size()}) {
    ResponseParser parser("GET");
    const std::string body = feed_in_pieces(parser, wire, piece);
    CHECK(parser.done());
    CHECK(parser.status() == 200);
    CHECK(parser.reason() == "OK");
    CHECK(parser.headers().get("content-length") == "5");
    CHECK(body == "hello");
    CHECK(parser.keep_alive());
  }
}

TEST_CASE("ResponseParser: it stops at the end of the response and leaves what follows", "[ch12][parser]") {
  ResponseParser parser("GET");
  const std::string wire = "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n";
  const std::size_t used = parser.feed(wire);
  CHECK(parser.done());
  CHECK(used == wire.find("HTTP/1.1 200"));
}

TEST_CASE("ResponseParser: a chunked body, with trailers", "[ch12][parser]") {
  const std::string wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
                           "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Sum: 12\r\n\r\n";
  for (std::size_t piece : {std::size_t{1}, std::size_t{3}, wire.size()}) {
    ResponseParser parser("GET");
    CHECK(feed_in_pieces(parser, wire, piece) == "hello, world");
    CHECK(parser.done());
    CHECK(parser.trailers().get("X-Sum") == "12");
  }
}

TEST_CASE("ResponseParser: without a length, the body runs to the end of the stream", "[ch12][parser]") {
  ResponseParser parser("GET");
  parser.feed("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npart one, ");
  parser.feed("part two");
  CHECK_FALSE(parser.done());
  parser.finish();
  CHECK(parser.done());
  CHECK(parser.body() == "part one, part two");
  CHECK_FALSE(parser.keep_alive());
}

TEST_CASE("ResponseParser: no body for HEAD, 204 and 304, whatever the headers say", "[ch12][parser]") {
  ResponseParser head("HEAD");
  head.feed("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
  CHECK(head.done());
  CHECK(head.body().empty());
  ResponseParser not_modified("GET");
  not_modified.feed("HTTP/1.1 304 Not Modified\r\nContent-Length: 1000\r\n\r\n");
  CHECK(not_modified.done());
  ResponseParser no_content("GET");
  no_content.feed("HTTP/1.1 204 No Content\r\n\r\n");
  CHECK(no_content.done());
}

TEST_CASE("ResponseParser: a 100 Continue before the response is skipped", "[ch12][parser]") {
  ResponseParser parser("POST");
  parser.feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
  CHECK(parser.done());
  CHECK(parser.status() == 201);
  CHECK(parser.body() == "ok");
}

TEST_CASE("ResponseParser: HTTP/1.0 and Connection: close end keep-alive", "[ch12][parser]") {
  ResponseParser old("GET");
  old.feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
  CHECK_FALSE(old.keep_alive());
  ResponseParser kept("GET");
  kept.feed("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n");
  CHECK(kept.keep_alive());
  ResponseParser closing("GET");
  closing.feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  CHECK_FALSE(closing.keep_alive());
}

TEST_CASE("ResponseParser: a gzip'd body is inflated, a corrupt one refused", "[ch12][parser]") {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "line " + std::to_string(i) + "\n";
  const std::string packed = gzip(text);
  const std::string head =
      "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + std::to_string(packed.size()) + "\r\n\r\n";
  ResponseParser parser("GET");
  CHECK(feed_in_pieces(parser, head + packed, 100) == text);
  CHECK(parser.wire_body_bytes() == packed.size());
  std::string corrupt = packed;
  corrupt[20] = static_cast<char>(corrupt[20] ^ 0x55);
  corrupt[21] = static_cast<char>(corrupt[21] ^ 0x55);
  ResponseParser broken("GET");
  CHECK_THROWS_AS(broken.feed(head + corrupt), ClientPayloadError);
}

TEST_CASE("ResponseParser: garbage, bad chunk sizes and oversized headers are clean errors", "[ch12][parser][faults]") {
  ResponseParser garbage("GET");
  CHECK_THROWS_WITH(garbage.feed("SSH-2.0-OpenSSH_9.2\r\n"), Contains("not valid HTTP/1.1"));
  ResponseParser status("GET");
  CHECK_THROWS_AS(status.feed("HTTP/1.1 2x0 OK\r\n\r\n"), InvalidResponse);
  ResponseParser chunk("GET");
  CHECK_THROWS_AS(chunk.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), ClientPayloadError);
  ResponseParser length("GET");
  CHECK_THROWS_AS(length.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), InvalidResponse);
  ResponseParser huge("GET");
  CHECK_THROWS_WITH(huge.feed("HTTP/1.1 200 OK\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n"),
                    Contains("longer than 8190 bytes"));
  ResponseParser many("GET");
  std::string lots = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 200; ++i) lots += "X-" + std::to_string(i) + ": v\r\n";
  CHECK_THROWS_WITH(many.feed(lots + "\r\n"), Contains("more than 128 headers"));
}

TEST_CASE("ResponseParser: the end of the stream too early", "[ch12][parser][faults]") {
  ResponseParser nothing("GET");
  CHECK_THROWS_AS(nothing.finish(), ServerDisconnectedError);
  ResponseParser mid_head("GET");
  mid_head.feed("HTTP/1.1 200 OK\r\nContent-Le");
  CHECK_THROWS_AS(mid_head.finish(), ServerDisconnectedError);
  ResponseParser mid_body("GET");
  mid_body.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  CHECK_THROWS_WITH(mid_body.finish(), Contains("3 bytes came of the 10 announced"));
  ResponseParser mid_chunk("GET");
  mid_chunk.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab");
  CHECK_THROWS_AS(mid_chunk.finish(), ClientPayloadError);
}
