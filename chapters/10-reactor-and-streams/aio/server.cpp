// The server: its listening socket accepts inside the selector's batch, as asyncio's
// _accept_connection does, and each client's handler is a task.
#include "aio/server.hpp"

#include "aio/event_loop.hpp"

#include <cerrno>
#include <chrono>
#include <list>
#include <stdexcept>
#include <string>
#include <utility>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aio {
namespace detail {

// [server-state]
class ServerState final : public IoWatch, public std::enable_shared_from_this<ServerState> {
public:
  ServerState(EventLoop& loop, EpollSelector& selector, int fd, ClientHandler handler, ServerOptions options)
      : IoWatch(selector, fd), loop_(loop), handler_(std::move(handler)), options_(options) {
    selector.add_source(); // a listening server waits for clients: the loop is not stuck
  }
  ~ServerState() override {
    retry_.cancel();
    if (serving()) selector().remove_source();
  }

  bool serving() const noexcept { return is_open(); }
  std::size_t connections() const noexcept { return clients_.size(); }

  void close() {
    if (!serving()) return;
    retry_.cancel();
    selector().remove_source();
    close_fd();
    if (!unix_path_.empty()) ::unlink(unix_path_.c_str());
    closed_.set(); // serve_forever returns
    idle_check();
  }

  void close_clients() {
    for (Client& client : clients_) client.connection->end();
  }

  std::string describe() const override {
    return "a server listening on " + (is_open() ? to_address_of() : std::string("a closed socket"));
  }
  std::string to_address_of() const {
    try {
      return socket_name(fd(), false).to_string();
    } catch (const OSError&) {
      return "fd " + std::to_string(fd());
    }
  }

  Event& closed() noexcept { return closed_; }
  Event& idle() noexcept { return idle_; }
  std::string unix_path_; // removed on close, as asyncio does

private:
  struct Client {
    std::shared_ptr<Connection> connection;
    Task<> handler;
  };

  void on_readable() noexcept override { accept_all(); }
  void on_writable() noexcept override {}
  void orphaned() noexcept override {}

  // [accept]
  // Accepts every client the kernel has (an edge comes once): each gets its streams and a task.
  void accept_all() noexcept {
    while (serving() && readable()) {
      const int fd = ::accept4(this->fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          not_readable();
        } else if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          out_of_resources(errno);
          return;
        } else if (errno != ECONNABORTED && errno != EINTR && errno != EPROTO && errno != EPERM) {
          failed_accept(errno); // not a client's doing: say so, and stop until the next edge
          not_readable();
          return;
        } // else the client left before we took it: the next one
        continue;
      }
      try {
        start_client(fd);
      } catch (...) { // no memory, or the handler threw before its first co_await
        loop_.call_exception_handler({"exception while accepting a client", std::current_exception(), {}});
      }
    }
  }

  // No fd (or memory) left for a new client: asyncio's answer, which keeps the server alive:
  // say so, stop accepting for a second, then try again; meanwhile the kernel queues clients.
  void out_of_resources(int error) noexcept {
    try {
      loop_.call_exception_handler({"socket.accept() out of system resource: " +
                                        OSError(error, "accept").code().message() + "; accepting again in 1 s",
                                    std::make_exception_ptr(OSError(error, "accept")),
                                    {}});
      retry_ = loop_.call_later(std::chrono::seconds(1), [this] { accept_all(); });
    } catch (...) {}
  }
  // [accept]

  void failed_accept(int error) noexcept {
    try {
      loop_.call_exception_handler({"socket.accept() failed", std::make_exception_ptr(OSError(error, "accept")), {}});
    } catch (...) {}
  }

  void start_client(int fd) {
    no_delay(fd);
    auto connection = std::make_shared<Connection>(selector(), fd, options_.limit);
    Task<> handler = create_task(handler_(StreamReader(connection), StreamWriter(connection)));
    clients_.push_back({std::move(connection), std::move(handler)});
    auto at = std::prev(clients_.end());
    at->handler.add_done_callback([weak = weak_from_this(), at](PromiseBase& task) {
      if (auto self = weak.lock()) self->finished(at, task);
    });
  }

  // A handler ended: an error goes to the loop's handler (Python: "Unhandled exception in
  // client_connected_cb"), and its connection is closed.
  void finished(std::list<Client>::iterator at, PromiseBase& task) {
    if (!task.cancelled() && task.exception() != nullptr) {
      at->connection->close();
      loop_.call_exception_handler(
          {"unhandled exception in the client handler '" + std::string(task.coroutine().name()) + "'", task.exception(),
           task.coroutine()});
    }
    clients_.erase(at);
    idle_check();
  }

  void idle_check() noexcept {
    if (!serving() && clients_.empty()) idle_.set();
  }

  EventLoop& loop_;
  ClientHandler handler_;
  ServerOptions options_;
  std::list<Client> clients_;
  Handle retry_;
  Event closed_;
  Event idle_;
};
// [server-state]

namespace {

Task<Server> listen_on(SocketAddress address, ClientHandler handler, ServerOptions options, std::string path) {
  if (!handler) throw std::invalid_argument("start_server() needs a handler");
  EventLoop& loop = EventLoop::get_running_loop();
  EpollSelector& selector = EpollSelector::of_running_loop("aio::start_server");
  const int fd = stream_socket(address.family);
  auto state = std::make_shared<ServerState>(loop, selector, fd, std::move(handler), options); // owns fd
  state->unix_path_ = path;
  if (options.reuse_address && address.family != AF_UNIX) {
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  }
  if (address.family == AF_INET6) {
    const int one = 1; // "::1" means IPv6 only, as asyncio sets
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  const std::string where = to_address(address).to_string();
  if (::bind(fd, reinterpret_cast<const sockaddr*>(address.storage), address.length) != 0) {
    state->unix_path_.clear(); // not ours to remove
    throw OSError(errno, "bind to " + where);
  }
  if (::listen(fd, options.backlog) != 0) throw OSError(errno, "listen on " + where);
  co_return Server(std::move(state));
}

} // namespace
} // namespace detail

Server::~Server() {
  if (state_) state_->close();
}

std::vector<Address> Server::sockets() const {
  if (!state_ || !state_->serving()) return {};
  return {detail::socket_name(state_->fd(), false)};
}
bool Server::is_serving() const noexcept { return state_ && state_->serving(); }
std::size_t Server::connections() const noexcept { return state_ ? state_->connections() : 0; }
void Server::close() {
  if (state_) state_->close();
}
void Server::close_clients() {
  if (state_) state_->close_clients();
}

Task<> Server::wait_closed() {
  const auto state = state_; // alive while we wait, even if the Server is dropped
  if (state) co_await state->idle().wait();
}

Task<> Server::serve_forever() {
  const auto state = state_;
  if (!state || !state->serving()) throw std::logic_error("serve_forever(): the server is closed");
  bool cancelled = false;
  try {
    co_await state->closed().wait();
  } catch (const CancelledError&) {
    cancelled = true;
  }
  if (!cancelled) co_return;
  state->close(); // (no co_await in a catch block: the clean-up comes after it)
  co_await state->idle().wait();
  throw CancelledError();
}

Task<Server> start_server(ClientHandler handler, std::string host, std::uint16_t port, ServerOptions options) {
  return detail::listen_on(detail::parse_address(host, port), std::move(handler), options, {});
}

Task<Server> start_unix_server(ClientHandler handler, std::string path, ServerOptions options) {
  return detail::listen_on(detail::unix_address(path), std::move(handler), options, path);
}

} // namespace aio
