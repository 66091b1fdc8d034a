// Reading an HTTP/1.1 response with llhttp, Node.js's parser: bytes go in as they arrive, in
// pieces of any size; the status, each header, each piece of body come out through callbacks.
// Bodies sent gzip'd or deflated are inflated on the way (zlib).
#pragma once

#include "aio/http/headers.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace aio::http {

/// Limits on what a server may send before the body (Python: aiohttp's `max_line_size`,
/// `max_field_size`; its parser refuses more than 8190 bytes in one line as well).
struct ParserLimits {
  std::size_t max_field_size = 8190; ///< One header name or value.
  std::size_t max_headers = 128;     ///< How many headers.
  std::size_t max_head_size = 65536; ///< The status line and all headers together.
};

// [parser]
/// One response, parsed incrementally. feed() takes the bytes that came from the socket and
/// says how many it used: it stops at the end of the response, so bytes after it (which a
/// server that answered only once should never send) are left over. Throws InvalidResponse
/// for anything that is not HTTP/1.x, with llhttp's reason.
class ResponseParser {
public:
  /// A parser for the response to a request with `method` (a HEAD's response has no body).
  explicit ResponseParser(std::string_view method, ParserLimits limits = {});
  ~ResponseParser();
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  /// Parses `bytes` (what one read gave): how many of them belong to this response.
  std::size_t feed(std::string_view bytes);
  /// The connection has ended: completes a body that runs until the end, or throws
  /// ClientPayloadError (mid-body) or ServerDisconnectedError (nothing came at all).
  void finish();

  bool started() const noexcept { return started_; }             ///< A first byte came.
  bool headers_done() const noexcept { return head_done_; }      ///< The status and headers are all in.
  bool done() const noexcept { return done_; }                   ///< The whole response is in.
  int status() const noexcept { return status_; }                ///< 200, 404, ...
  const std::string& reason() const noexcept { return reason_; } ///< "OK", "Not Found", ...
  const Headers& headers() const noexcept { return headers_; }   ///< In the order they came.
  const Headers& trailers() const noexcept { return trailers_; } ///< After a chunked body.
  /// After done(): the server lets the connection be used again (HTTP/1.1 without
  /// `Connection: close`, or HTTP/1.0 with `keep-alive`).
  bool keep_alive() const noexcept { return keep_alive_; }
  /// Body bytes parsed (and inflated) and not yet taken.
  std::string& body() noexcept { return body_; }
  /// Body bytes as the server sent them, before inflating: what Content-Length counts.
  std::size_t wire_body_bytes() const noexcept { return wire_body_; }
  // [parser]

private:
  struct Llhttp;
  class Inflater;
  friend struct Callbacks;
  int count_head(std::size_t length); // 0, or -1 once the head is too large
  int end_header();                   // 0, or -1 if there are too many
  [[noreturn]] void fail();

  std::unique_ptr<Llhttp> llhttp_;
  std::unique_ptr<Inflater> inflater_;
  ParserLimits limits_;
  bool head_request_;
  bool started_ = false;
  bool head_done_ = false;
  bool done_ = false;
  bool keep_alive_ = false;
  bool in_value_ = false; // the last piece was part of a value (the next name starts a header)
  int status_ = 0;
  std::size_t head_size_ = 0;
  std::size_t wire_body_ = 0;
  std::string reason_;
  std::string field_;
  std::string value_;
  std::string body_;
  std::string error_; // what a callback refused, for the exception
  Headers headers_;
  Headers trailers_;
};

} // namespace aio::http
