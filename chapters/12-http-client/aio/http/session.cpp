// A request from start to end: a slot and a connection from the pool, the request written, the
// response read as it arrives, redirects followed, every wait bounded by its timeout.
#include "aio/http/session.hpp"

#include "aio/diagnostics.hpp"
#include "aio/errors.hpp"
#include "aio/event_loop.hpp"
#include "aio/http/errors.hpp"
#include "aio/timeout.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <span>
#include <utility>

namespace aio::http {
namespace detail {

struct SessionState {
  SessionOptions options;
  TCPConnector connector;
  Origin origin;
  bool closed = false;
};

namespace {

std::optional<TimePoint> earliest(std::optional<TimePoint> a, std::optional<TimePoint> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

std::optional<TimePoint> from_now(std::optional<Duration> d) {
  if (!d) return std::nullopt;
  return EventLoop::get_running_loop().time() + *d;
}

std::string seconds(Duration d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g s", std::chrono::duration<double>(d).count());
  return text;
}

bool is_token(std::string_view text) {
  static constexpr std::string_view separators = "()<>@,;:\\\"/[]?={} \t";
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && separators.find(c) == std::string_view::npos;
  });
}

bool safe_value(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

bool idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE" || method == "PUT" ||
         method == "DELETE";
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

} // namespace

// [exchange]
/// One request and its response, on one leased connection.
struct Exchange {
  std::string method;
  Url url;
  Headers request_headers;
  std::string request_body;
  ClientTimeout timeout;
  std::optional<TimePoint> deadline; // of the total timeout
  std::size_t read_size;
  Origin origin;
  std::vector<Url> history;

  Lease lease;
  std::unique_ptr<ResponseParser> parser;
  std::string body; // the whole body, once read() has it
  bool body_read = false;
  bool finished = false; // the body is complete, or was given up: the lease is released
  bool leftover = false; // the server sent more than the response: not reusable

  std::string request_text() const;
  Task<> start(TCPConnector& connector);
  Task<> read_more();
  Task<std::size_t> receive();
  void finish(bool reusable) noexcept {
    finished = true;
    lease.release(reusable);
  }
  void complete_if_done() noexcept {
    if (!finished && parser->done()) finish(parser->keep_alive() && !leftover);
  }
  // Throws the ServerTimeoutError of a scope that expired: the total deadline's if it came
  // first (or was the only one), else that of the step's own `limit`, named `which`.
  [[noreturn]] void timed_out(std::optional<TimePoint> step_deadline, const char* during, const char* which,
                              std::optional<Duration> limit) const {
    if (!step_deadline || (deadline && *deadline <= *step_deadline))
      throw ServerTimeoutError("the request to " + url.to_string() + " took longer than its total timeout (" +
                               seconds(*timeout.total) + ")");
    throw ServerTimeoutError(std::string(during) + " " + url.to_string() + " took longer than " + seconds(*limit) +
                             " (the " + which + " timeout)");
  }
};
// [exchange]

std::string Exchange::request_text() const {
  std::string text = method + " " + url.target + " HTTP/1.1\r\n";
  if (!request_headers.contains("Host")) text += "Host: " + url.authority() + "\r\n";
  for (const auto& [name, value] : request_headers.items()) text += name + ": " + value + "\r\n";
  if (!request_body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    text += "Content-Length: " + std::to_string(request_body.size()) + "\r\n";
  text += "\r\n";
  text += request_body;
  return text;
}

// [start]
// Connects (or reuses a connection), sends the request, reads up to the end of the headers. A
// reused connection that turns out closed by the server before it answered is replaced once
// by a new one, for a request that may safely be sent twice.
Task<> Exchange::start(TCPConnector& connector) {
  for (int attempt = 0;; ++attempt) {
    {
      const std::optional<TimePoint> connect_deadline = from_now(timeout.connect);
      Timeout scope(earliest(deadline, connect_deadline));
      try {
        lease = co_await connector.connect(url);
        scope.end();
      } catch (const CancelledError&) {
        if (!scope.end()) throw;
        timed_out(connect_deadline, "connecting to", "connect", timeout.connect);
      } catch (...) {
        scope.end();
        throw;
      }
    }
    const bool reused = lease.reused();
    parser = std::make_unique<ResponseParser>(method);
    try {
      StreamWriter& writer = lease.connection().writer;
      writer.write(request_text());
      {
        Timeout scope(deadline);
        try {
          co_await writer.drain();
          scope.end();
        } catch (const CancelledError&) {
          if (!scope.end()) throw;
          timed_out(std::nullopt, "", "", std::nullopt);
        } catch (const OSError& error) {
          scope.end();
          throw ServerDisconnectedError("the connection to " + url.authority() + " broke while the request was sent (" +
                                        error.what() + ")");
        }
      }
      while (!parser->headers_done()) co_await read_more();
      complete_if_done(); // no body at all, or all of it came with the headers
      co_return;
    } catch (const ServerDisconnectedError&) {
      finish(false);
      if (!(reused && attempt == 0 && !parser->started() && idempotent(method))) throw;
      // The server had closed the idle connection: once more, on a new one.
    } catch (...) {
      finish(false);
      throw;
    }
    finished = false;
  }
}
// [start]

// [read-more]
// One read from the socket, fed to the parser; at the end of the stream, the parser decides
// whether the response was complete.
Task<> Exchange::read_more() {
  std::string& buffer = lease.connection().buffer;
  if (buffer.size() != read_size) buffer.resize(read_size);
  const std::size_t n = co_await receive();
  if (n == 0) {
    parser->finish(); // throws unless the body was meant to run to the end of the stream
  } else if (parser->feed(std::string_view(buffer.data(), n)) < n) {
    leftover = true;
  }
  complete_if_done();
}
// [read-more]

Task<std::size_t> Exchange::receive() {
  StreamReader& reader = lease.connection().reader;
  std::string& buffer = lease.connection().buffer;
  const std::optional<TimePoint> read_deadline = from_now(timeout.sock_read);
  Timeout scope(earliest(deadline, read_deadline));
  try {
    const std::size_t n = co_await reader.read_into(std::span<char>(buffer.data(), buffer.size()));
    scope.end();
    co_return n;
  } catch (const CancelledError&) {
    if (!scope.end()) throw;
    timed_out(read_deadline, "reading from", "sock_read", timeout.sock_read);
  } catch (const OSError& error) {
    scope.end();
    throw ServerDisconnectedError("the connection to " + url.authority() + " broke (" + error.what() + ")");
  }
}

namespace {

// [request]
Task<Response> send(std::shared_ptr<SessionState> session, std::string method, std::string url_text,
                    RequestOptions options, Origin origin) {
  if (session->closed) throw ClientConnectionError("the session is closed: no new request can start");
  if (!is_token(method)) throw std::invalid_argument("'" + method + "' is not an HTTP method");
  Url url = Url::parse(url_text);
  Headers headers = session->options.headers; // the defaults among them (see ClientSession's constructor)
  for (const auto& [name, value] : options.headers.items()) headers.set(name, value);
  for (const auto& [name, value] : headers.items())
    if (!is_token(name) || !safe_value(value))
      throw std::invalid_argument("header '" + name + "' has a name or value that would break the request");
  const ClientTimeout timeout = options.timeout.value_or(session->options.timeout);
  const std::optional<TimePoint> deadline = from_now(timeout.total);
  const int max_redirects = options.max_redirects.value_or(session->options.max_redirects);
  std::vector<Url> history;

  for (;;) {
    auto exchange = std::make_unique<Exchange>();
    exchange->method = method;
    exchange->url = url;
    exchange->request_headers = headers;
    exchange->request_body = options.body;
    exchange->timeout = timeout;
    exchange->deadline = deadline;
    exchange->read_size = session->options.read_size;
    exchange->origin = origin;
    co_await exchange->start(session->connector);

    const std::optional<std::string_view> location = exchange->parser->headers().get("Location");
    if (!options.allow_redirects || !is_redirect(exchange->parser->status()) || !location) {
      exchange->history = std::move(history);
      co_return Response(std::move(exchange));
    }
    // [redirect]
    const int status = exchange->parser->status();
    if (static_cast<int>(history.size()) >= max_redirects)
      throw TooManyRedirects("more than " + std::to_string(max_redirects) + " redirects, the last from " +
                             url.to_string() + " to '" + std::string(*location) + "'");
    const Url next = url.join(*location);
    // The redirect's own body is read and dropped, so its connection can serve the next one.
    Response redirect(std::move(exchange));
    co_await redirect.read();
    history.push_back(url);
    if ((status == 303 && method != "HEAD") || ((status == 301 || status == 302) && method == "POST")) {
      method = "GET";
      options.body.clear();
      headers.remove("Content-Type");
    }
    if (!next.same_origin(url)) headers.remove("Authorization");
    url = next;
    // [redirect]
  }
}
// [request]

} // namespace
} // namespace detail

// --- Response --------------------------------------------------------------------------------

Response::Response(std::unique_ptr<detail::Exchange> exchange) noexcept : exchange_(std::move(exchange)) {}
Response::Response(Response&&) noexcept = default;
Response& Response::operator=(Response&& other) noexcept {
  if (this != &other) {
    release();
    exchange_ = std::move(other.exchange_);
  }
  return *this;
}

Response::~Response() {
  if (exchange_ == nullptr || exchange_->finished) return;
  // Dropped with its body unread. While an exception unwinds, that is the exception's doing,
  // not a mistake: no report then.
  if (std::uncaught_exceptions() == 0)
    report({Pitfall::unread_body,
            "the body of the response from " + exchange_->url.to_string() + " (" + std::to_string(status()) +
                ") was never read: its connection is closed instead of going back to the pool",
            exchange_->origin,
            "read the body (co_await response.read(), or read_chunk() until it gives \"\"), or call "
            "response.release() when you do not want it"});
  release();
}

int Response::status() const noexcept { return exchange_->parser->status(); }
const std::string& Response::reason() const noexcept { return exchange_->parser->reason(); }
const Headers& Response::headers() const noexcept { return exchange_->parser->headers(); }
const Url& Response::url() const noexcept { return exchange_->url; }
const std::vector<Url>& Response::history() const noexcept { return exchange_->history; }
const Headers& Response::trailers() const noexcept { return exchange_->parser->trailers(); }
bool Response::released() const noexcept { return exchange_ == nullptr || exchange_->finished; }

void Response::raise_for_status() const {
  if (status() >= 400) throw ClientResponseError(status(), reason(), url().to_string());
}

std::optional<std::size_t> Response::content_length() const {
  const auto value = headers().get("Content-Length");
  if (!value) return std::nullopt;
  return static_cast<std::size_t>(std::stoull(std::string(*value)));
}

void Response::release() noexcept {
  if (exchange_ == nullptr || exchange_->finished) return;
  exchange_->finish(exchange_->parser->done() && exchange_->parser->keep_alive() && !exchange_->leftover);
}

// [read-chunk]
Task<std::string> Response::read_chunk() {
  detail::Exchange& exchange = *exchange_;
  for (;;) {
    std::string& pending = exchange.parser->body();
    if (!pending.empty()) {
      std::string chunk = std::move(pending);
      pending.clear();
      co_return chunk;
    }
    if (exchange.finished) co_return std::string();
    try {
      co_await exchange.read_more();
    } catch (...) { // a timeout, a cancellation, a broken body: the connection is half-read
      exchange.finish(false);
      throw;
    }
  }
}
// [read-chunk]

Task<std::string> Response::read() {
  detail::Exchange& exchange = *exchange_;
  if (!exchange.body_read) {
    for (;;) {
      std::string chunk = co_await read_chunk();
      if (chunk.empty()) break;
      exchange.body += chunk;
    }
    exchange.body_read = true;
  }
  co_return exchange.body;
}

Task<std::string> Response::text() { return read(); }

// --- ClientSession ---------------------------------------------------------------------------

namespace {
// The session's headers, with what every request sends unless told otherwise.
SessionOptions with_default_headers(SessionOptions options) {
  Headers& headers = options.headers;
  if (!headers.contains("User-Agent")) headers.add("User-Agent", "aio-course/1.0");
  if (!headers.contains("Accept")) headers.add("Accept", "*/*");
  if (!headers.contains("Accept-Encoding")) headers.add("Accept-Encoding", "gzip, deflate");
  return options;
}
} // namespace

ClientSession::ClientSession(SessionOptions options, Origin origin)
    : state_(std::make_shared<detail::SessionState>(
          detail::SessionState{with_default_headers(options), TCPConnector(options.connector), origin, false})) {}
ClientSession::ClientSession(Origin origin) : ClientSession(SessionOptions(), origin) {}
ClientSession::ClientSession(ClientSession&&) noexcept = default;
ClientSession& ClientSession::operator=(ClientSession&& other) noexcept {
  if (this != &other) {
    drop();
    state_ = std::move(other.state_);
  }
  return *this;
}

ClientSession::~ClientSession() { drop(); }

void ClientSession::drop() noexcept {
  if (state_ == nullptr || state_->closed) return;
  // Dropped open while an exception unwinds: that exception is the news, not this.
  if (std::uncaught_exceptions() == 0)
    report({Pitfall::left_open, "a ClientSession was never closed: its pool's connections are closed without it",
            state_->origin,
            "co_await session.close() when done, or open it with aio::with(aio::http::open_session(), ...), "
            "which closes it whatever happens"});
  state_->closed = true;
  state_->connector.close_now();
}

Task<Response> ClientSession::request(std::string method, std::string url, RequestOptions options, Origin origin) {
  return detail::send(state_, std::move(method), std::move(url), std::move(options), origin);
}
Task<Response> ClientSession::request(std::string method, std::string url, Origin origin) {
  return request(std::move(method), std::move(url), RequestOptions(), origin);
}
Task<Response> ClientSession::get(std::string url, RequestOptions options, Origin origin) {
  return request("GET", std::move(url), std::move(options), origin);
}
Task<Response> ClientSession::get(std::string url, Origin origin) {
  return request("GET", std::move(url), RequestOptions(), origin);
}
Task<Response> ClientSession::post(std::string url, std::string body, RequestOptions options, Origin origin) {
  options.body = std::move(body);
  return request("POST", std::move(url), std::move(options), origin);
}
Task<Response> ClientSession::post(std::string url, std::string body, Origin origin) {
  return post(std::move(url), std::move(body), RequestOptions(), origin);
}
Task<Response> ClientSession::head(std::string url, Origin origin) {
  return request("HEAD", std::move(url), RequestOptions(), origin);
}

Task<> ClientSession::close() {
  state_->closed = true;
  return state_->connector.close();
}
bool ClientSession::closed() const noexcept { return state_->closed; }
const TCPConnector& ClientSession::connector() const noexcept { return state_->connector; }

namespace {
Task<ClientSession> make_session(SessionOptions options, Origin origin) { co_return ClientSession(options, origin); }
} // namespace

Task<ClientSession> open_session(SessionOptions options, Origin origin) {
  return make_session(std::move(options), origin);
}
Task<ClientSession> open_session(Origin origin) { return make_session(SessionOptions(), origin); }

} // namespace aio::http
