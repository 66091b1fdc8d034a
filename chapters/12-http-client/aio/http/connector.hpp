// The connection pool under a ClientSession, after aiohttp's TCPConnector: at most `limit`
// connections in all and `limit_per_host` to one host, a connection being made counting as
// one; requests that find no slot wait, first come first served per host; a connection whose
// response was read to its end and that the server lets live waits idle for the next request
// to its host, for up to `keepalive_timeout`.
#pragma once

#include "aio/clock.hpp"
#include "aio/event_loop.hpp"
#include "aio/http/url.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace aio::http {

/// The pool's limits (Python: `aiohttp.TCPConnector(limit=, limit_per_host=, keepalive_timeout=,
/// force_close=)`, with its defaults).
struct ConnectorOptions {
  std::size_t limit = 100;                               ///< Connections in all, 0 for no limit.
  std::size_t limit_per_host = 0;                        ///< Connections to one host and port, 0 for no limit.
  Duration keepalive_timeout = std::chrono::seconds(15); ///< How long an idle connection is kept.
  bool force_close = false;                              ///< Never reuse a connection: one per request.
};

namespace detail {

/// One connection of the pool: its streams, and what the pool knows of it.
struct PooledConnection {
  StreamReader reader;       ///< Its input.
  StreamWriter writer;       ///< Its output.
  std::string key;           ///< "host:port": the pool it belongs to.
  std::size_t requests = 0;  ///< Responses read to their end on it.
  std::string buffer = {};   ///< What one read fills: made once, for every response on it.
  TimePoint idle_since = {}; ///< When it last went back to the pool.
};

class Pool;

} // namespace detail

// [lease]
/// A slot of the pool and, once connected, its connection: what a request holds from the
/// moment it is let through until its response is released. Move-only. Destroyed without
/// release(), it closes the connection (it may be half-read) and frees the slot.
class Lease {
public:
  /// No slot.
  Lease() = default;
  Lease(Lease&& other) noexcept = default;  ///< Moves it; the source holds nothing.
  Lease& operator=(Lease&& other) noexcept; ///< Releases this one (closing it), then moves.
  ~Lease();                                 ///< release(false), if not released.

  /// The connection.
  detail::PooledConnection& connection() noexcept { return *connection_; }
  /// True if it served a request before (it may have been closed by the server since).
  bool reused() const noexcept { return connection_->requests > 0; }
  /// Gives the slot back. With `reusable` (the response was read to its end and the server lets
  /// the connection live), the connection goes to the next waiter or to the idle ones;
  /// otherwise it is closed.
  void release(bool reusable) noexcept;
  /// True until released.
  explicit operator bool() const noexcept { return connection_ != nullptr; }

private:
  friend class detail::Pool;
  Lease(std::shared_ptr<detail::Pool> pool, std::unique_ptr<detail::PooledConnection> connection) noexcept
      : pool_(std::move(pool)), connection_(std::move(connection)) {}
  std::shared_ptr<detail::Pool> pool_;
  std::unique_ptr<detail::PooledConnection> connection_;
};
// [lease]

/// What the pool holds at one moment, for tests and demos.
struct PoolStats {
  std::size_t open = 0;    ///< Connections open or being opened, idle ones included.
  std::size_t idle = 0;    ///< Open and waiting for a request.
  std::size_t waiting = 0; ///< Requests waiting for a slot.
};

// [connector]
/// The pool (Python: `aiohttp.TCPConnector`). Not thread-safe; bound to the loop that first
/// uses it.
class TCPConnector {
public:
  /// An empty pool with `options`.
  explicit TCPConnector(ConnectorOptions options = {});

  /// A connection to `url`'s host and port: an idle one if there is one, else a new one once
  /// the limits let it be made. Cancelled at any point, it holds nothing afterwards. Throws
  /// ClientConnectionError if the connection cannot be made, or the connector is closed.
  Task<Lease> connect(const Url& url);
  /// Closes the idle connections and refuses new requests; connections in use close when they
  /// are released, and requests waiting for a slot get ClientConnectionError. It does so at the
  /// call (none of it waits); the Task is for aio::with and the `co_await` idiom.
  Task<> close();
  /// close() at once, for a destructor (nothing of it needs to wait).
  void close_now() noexcept;
  /// True once close() was called.
  bool closed() const noexcept;

  /// The whole pool now.
  PoolStats stats() const noexcept;
  /// The pool of `url`'s host and port now.
  PoolStats stats(const Url& url) const;
  /// Its options.
  const ConnectorOptions& options() const noexcept;

private:
  std::shared_ptr<detail::Pool> pool_;
};
// [connector]

} // namespace aio::http
