// The HTTP client (Python: `aiohttp.ClientSession`): requests over a pool of keep-alive
// connections, responses whose bodies are read as they arrive, timeouts, redirects.
#pragma once

#include "aio/http/connector.hpp"
#include "aio/http/headers.hpp"
#include "aio/http/parser.hpp"
#include "aio/http/url.hpp"
#include "aio/origin.hpp"
#include "aio/task.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aio::http {

// [timeout]
/// How long a request may take (Python: `aiohttp.ClientTimeout`); none means no limit.
struct ClientTimeout {
  /// The whole request: waiting for a slot, connecting, sending, and reading the response to
  /// the end of its body (aiohttp's default: 5 minutes).
  std::optional<Duration> total = std::chrono::minutes(5);
  /// Waiting for a slot of the pool and making the connection.
  std::optional<Duration> connect = std::nullopt;
  /// Between two reads that bring data: a server that goes quiet mid-response.
  std::optional<Duration> sock_read = std::nullopt;
};
// [timeout]

/// A session's settings (Python: the arguments of `aiohttp.ClientSession`).
struct SessionOptions {
  ConnectorOptions connector = {};   ///< The pool's limits.
  ClientTimeout timeout = {};        ///< For every request that gives none of its own.
  Headers headers = {};              ///< Sent with every request (a request's own win).
  int max_redirects = 10;            ///< Redirects followed before TooManyRedirects.
  std::size_t read_size = 64 * 1024; ///< Bytes asked of the socket at once; also the largest chunk.
};

/// One request's extras (Python: the keyword arguments of `session.request`).
struct RequestOptions {
  Headers headers = {};                      ///< Added to the session's.
  std::string body = {};                     ///< Sent with a Content-Length (Python: `data=`).
  std::optional<ClientTimeout> timeout = {}; ///< Instead of the session's.
  bool allow_redirects = true;               ///< Follow 301, 302, 303, 307, 308.
  std::optional<int> max_redirects = {};     ///< Instead of the session's.
};

namespace detail {
struct Exchange;
struct SessionState;
} // namespace detail

// [response]
/// A response whose status and headers have arrived; its body comes when it is read (Python:
/// `aiohttp.ClientResponse`). Move-only. Read the body to its end (read(), text(), or
/// read_chunk() until it gives ""), or release() it: only then can its connection serve the
/// next request. A Response dropped with its body unread closes the connection and is
/// reported, as a task whose exception was never retrieved is.
class Response {
public:
  int status() const noexcept;                        ///< 200, 404, ...
  const std::string& reason() const noexcept;         ///< "OK", "Not Found", ...
  const Headers& headers() const noexcept;            ///< As the server sent them.
  const Url& url() const noexcept;                    ///< Where it came from, after redirects.
  const std::vector<Url>& history() const noexcept;   ///< The URLs redirected from, in order.
  bool ok() const noexcept { return status() < 400; } ///< Below 400.
  /// Throws ClientResponseError if the status is 400 or more (Python: `raise_for_status()`).
  void raise_for_status() const;
  /// The Content-Length the server announced, if it did.
  std::optional<std::size_t> content_length() const;

  /// The whole body (inflated if it came gzip'd); the same again if called again.
  Task<std::string> read();
  /// The body as text. No charset is converted: the bytes as they came.
  Task<std::string> text();
  /// The next piece of the body, as it arrives, at most SessionOptions::read_size bytes
  /// before inflating; "" once it has all come (Python: `resp.content.iter_any()`).
  Task<std::string> read_chunk();
  /// Done with it, read or not: a complete body lets the connection go back to the pool, a
  /// body not read to its end closes it (Python: `release()`).
  void release() noexcept;
  /// True once the body has been read to its end or released.
  bool released() const noexcept;
  /// Trailers sent after a chunked body, once it has been read.
  const Headers& trailers() const noexcept;

  Response(Response&&) noexcept;            ///< Moves it; the source is empty.
  Response& operator=(Response&&) noexcept; ///< Releases this one, then moves.
  ~Response();                              ///< Releases it; reports a body still on its way.
  // [response]

  /// (Made by ClientSession.)
  explicit Response(std::unique_ptr<detail::Exchange> exchange) noexcept;

private:
  std::unique_ptr<detail::Exchange> exchange_;
};

// [session]
/// A pool of connections and the settings its requests share (Python: `aiohttp.ClientSession`).
/// Make one per program, not one per request: it is the pool. Close it when done (`co_await
/// session.close()`, or aio::with(aio::http::open_session(), ...), the `async with` idiom): a
/// session dropped open is reported. Move-only; not thread-safe.
class ClientSession {
public:
  /// A session with `options`; `origin` (the caller) names it in reports.
  explicit ClientSession(SessionOptions options, Origin origin = Origin::here());
  /// A session with the default options.
  explicit ClientSession(Origin origin = Origin::here());
  ClientSession(ClientSession&&) noexcept;            ///< Moves the pool; the source is empty.
  ClientSession& operator=(ClientSession&&) noexcept; ///< Closes this one's pool, then moves.
  ~ClientSession();                                   ///< Closes the pool; reports it if close() was never called.

  /// `method` `url`: waits for a slot, sends the request, follows redirects, and returns once
  /// the final response's status and headers are in. Throws InvalidURL, ClientConnectionError,
  /// InvalidResponse, TooManyRedirects, ServerTimeoutError (an aio::TimeoutError).
  ///
  /// (Overloads rather than a default `RequestOptions options = {}`: GCC 12 mishandles a
  /// default argument of class type made inside a `co_await` expression.)
  Task<Response> request(std::string method, std::string url, RequestOptions options, Origin origin = Origin::here());
  /// request(method, url) with no options.
  Task<Response> request(std::string method, std::string url, Origin origin = Origin::here());
  /// request("GET", ...).
  Task<Response> get(std::string url, RequestOptions options, Origin origin = Origin::here());
  /// request("GET", url).
  Task<Response> get(std::string url, Origin origin = Origin::here());
  /// request("POST", ...) with `body`.
  Task<Response> post(std::string url, std::string body, RequestOptions options, Origin origin = Origin::here());
  /// request("POST", url) with `body`.
  Task<Response> post(std::string url, std::string body, Origin origin = Origin::here());
  /// request("HEAD", url).
  Task<Response> head(std::string url, Origin origin = Origin::here());

  /// Closes the pool: idle connections now, those in use when their responses are released.
  Task<> close();
  /// True once close() was called.
  bool closed() const noexcept;
  /// The pool.
  const TCPConnector& connector() const noexcept;

private:
  void drop() noexcept; // reported if still open, then closed
  std::shared_ptr<detail::SessionState> state_;
};
// [session]

/// A new ClientSession, as a Task for aio::with: `co_await aio::with(aio::http::open_session(),
/// [](aio::http::ClientSession& session) -> aio::Task<> {...})` closes it whatever happens.
Task<ClientSession> open_session(SessionOptions options, Origin origin = Origin::here());
/// open_session() with the default options.
Task<ClientSession> open_session(Origin origin = Origin::here());

} // namespace aio::http
