// aio::start_server: accept connections and run a handler task for each (Python:
// asyncio.start_server and asyncio.Server).
#pragma once

#include "aio/streams.hpp"
#include "aio/task.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace aio {

/// What a server runs for each client: `Task<> handle(aio::StreamReader, aio::StreamWriter)`
/// (Python: the `client_connected_cb` of start_server).
using ClientHandler = std::function<Task<>(StreamReader, StreamWriter)>;

namespace detail {
class ServerState;
} // namespace detail

// [server]
/// A listening socket and the handler tasks of its clients (Python: `asyncio.Server`).
/// Dropping it closes it (the handlers still running go on).
class Server {
public:
  /// The addresses it listens on (Python: `[s.getsockname() for s in server.sockets]`).
  std::vector<Address> sockets() const;
  /// True until close() (Python: `is_serving()`).
  bool is_serving() const noexcept;
  /// Clients whose handler is still running.
  std::size_t connections() const noexcept;
  /// Stops listening: no new client is accepted; handlers running go on (Python: `close()`).
  void close();
  /// Closes every client's connection: their readers see the end of the stream (Python 3.13:
  /// `close_clients()`). With close(), a graceful shutdown.
  void close_clients();
  /// `co_await server.wait_closed()`: returns once it is closed and every handler has finished
  /// (Python 3.12: `wait_closed()`).
  Task<> wait_closed();
  /// `co_await server.serve_forever()`: serves until close() is called (then it returns) or the
  /// awaiting task is cancelled (then it closes the server, waits for it, and ends cancelled),
  /// as `async with server: await server.serve_forever()` does.
  Task<> serve_forever();
  // [server]

  /// A server of `state` (start_server makes them).
  explicit Server(std::shared_ptr<detail::ServerState> state) noexcept : state_(std::move(state)) {}
  Server(Server&&) noexcept = default; ///< Takes it over.
  Server& operator=(Server&&) = delete;
  ~Server();

private:
  std::shared_ptr<detail::ServerState> state_;
};

// [start-server]
/// How a server listens. Every field has a default.
struct ServerOptions {
  int backlog = 100;                               ///< The kernel's queue of connections not accepted yet.
  std::size_t limit = StreamReader::default_limit; ///< Each client's StreamReader limit.
  bool reuse_address = true;                       ///< SO_REUSEADDR, as asyncio sets on Unix.
};

/// Listens on `host` and `port` (0: a free port, see sockets()) and runs `handler` as a task
/// for each client (Python: `await asyncio.start_server(handler, host, port)`). `host` is
/// numeric ("127.0.0.1", "::1") or "localhost". Throws OSError if it cannot listen there.
/// A handler's exception goes to the loop's exception handler, and its connection is closed.
Task<Server> start_server(ClientHandler handler, std::string host, std::uint16_t port, ServerOptions options = {});
/// The same on the Unix socket `path` (Python: `asyncio.start_unix_server`).
Task<Server> start_unix_server(ClientHandler handler, std::string path, ServerOptions options = {});
// [start-server]

} // namespace aio
