// Streams: the connection's two buffers, reading for a waiting reader, writing with
// back-pressure, closing, and open_connection.
#include "aio/streams.hpp"

#include "aio/diagnostics.hpp"
#include "aio/event_loop.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace aio {

std::string Address::to_string() const {
  if (port == 0 && !host.empty() && host.front() == '/') return host;
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

namespace detail {

// --- Bytes ---------------------------------------------------------------------------------

char* Bytes::reserve(std::size_t n) {
  if (begin_ == end_) begin_ = end_ = 0; // empty: start again at the front
  if (store_.size() - end_ < n) {
    if (begin_ > 0) { // move what is left to the front before growing
      std::memmove(store_.data(), store_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (store_.size() - end_ < n) store_.resize(std::max(store_.size() * 2, end_ + n));
  }
  return store_.data() + end_;
}

void Bytes::append(std::string_view bytes) {
  std::memcpy(reserve(bytes.size()), bytes.data(), bytes.size());
  commit(bytes.size());
}

void Bytes::consume(std::size_t n) noexcept {
  begin_ += n;
  if (begin_ == end_) begin_ = end_ = 0;
}

std::string Bytes::take(std::size_t n) {
  std::string taken(data(), n);
  consume(n);
  return taken;
}

// --- addresses -----------------------------------------------------------------------------

std::optional<SocketAddress> numeric_address(const std::string& host, std::uint16_t port) {
  SocketAddress address;
  const std::string numeric = host == "localhost" || host.empty() ? "127.0.0.1" : host;
  auto* v4 = reinterpret_cast<sockaddr_in*>(address.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(address.storage);
  std::memset(address.storage, 0, sizeof address.storage);
  if (::inet_pton(AF_INET, numeric.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    address.length = sizeof(sockaddr_in);
    address.family = AF_INET;
  } else if (::inet_pton(AF_INET6, numeric.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    address.length = sizeof(sockaddr_in6);
    address.family = AF_INET6;
  } else {
    return std::nullopt;
  }
  return address;
}

SocketAddress parse_address(const std::string& host, std::uint16_t port) {
  if (auto address = numeric_address(host, port)) return *address;
  throw std::invalid_argument("'" + host +
                              "' is not a numeric address: a server listens on addresses such as "
                              "127.0.0.1 or ::1 (and localhost)");
}

namespace {
std::atomic<NameLookup> name_lookup{nullptr};
} // namespace

NameLookup set_name_lookup(NameLookup lookup) noexcept { return name_lookup.exchange(lookup); }

SocketAddress unix_address(const std::string& path) {
  SocketAddress address;
  std::memset(address.storage, 0, sizeof address.storage);
  auto* un = reinterpret_cast<sockaddr_un*>(address.storage);
  if (path.empty() || path.size() >= sizeof un->sun_path)
    throw std::invalid_argument("a Unix socket path must have 1 to " + std::to_string(sizeof un->sun_path - 1) +
                                " characters: '" + path + "'");
  un->sun_family = AF_UNIX;
  std::memcpy(un->sun_path, path.data(), path.size());
  address.length = static_cast<unsigned>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  address.family = AF_UNIX;
  return address;
}

Address to_address(const SocketAddress& address) {
  char text[INET6_ADDRSTRLEN] = {};
  const auto family = reinterpret_cast<const sockaddr*>(address.storage)->sa_family;
  if (family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address.storage);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    return {text, ntohs(v4->sin_port)};
  }
  if (family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address.storage);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    return {text, ntohs(v6->sin6_port)};
  }
  if (family == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(address.storage);
    const std::size_t room =
        address.length > offsetof(sockaddr_un, sun_path) ? address.length - offsetof(sockaddr_un, sun_path) : 0;
    return {std::string(un->sun_path, ::strnlen(un->sun_path, room)), 0};
  }
  return {"?", 0};
}

int stream_socket(int family) {
  const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw OSError(errno, "socket");
  return fd;
}

void no_delay(int fd) noexcept {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); // (fails harmlessly on a Unix socket)
}

Address socket_name(int fd, bool peer) {
  SocketAddress address;
  socklen_t length = sizeof address.storage;
  auto* raw = reinterpret_cast<sockaddr*>(address.storage);
  if ((peer ? ::getpeername(fd, raw, &length) : ::getsockname(fd, raw, &length)) != 0)
    throw OSError(errno, peer ? "getpeername" : "getsockname");
  address.length = length;
  return to_address(address);
}

// --- the connection ------------------------------------------------------------------------

Connection::Connection(EpollSelector& selector, int fd, std::size_t limit) : IoWatch(selector, fd), limit_(limit) {
  if (limit == 0) throw std::invalid_argument("a stream's limit must be positive");
}

Connection::~Connection() {
  if (pending_) selector().remove_source();
}

std::string Connection::describe() const {
  if (!is_open()) return "a closed connection";
  try {
    return "the connection to " + peername().to_string();
  } catch (const OSError&) {
    return "a connection (fd " + std::to_string(fd()) + ")";
  }
}

Address Connection::peername() const { return socket_name(fd(), true); }
Address Connection::sockname() const { return socket_name(fd(), false); }

void Connection::begin_read(const char* what) {
  if (reading.waiting())
    throw std::logic_error(std::string(what) + " called while another task is already waiting for incoming data");
  searched_ = 0;
}

// [settled]
bool Connection::settled(const Want& want) noexcept {
  if (eof_) return true; // nothing more will come: take() decides what that means
  switch (want.kind) {
  case Want::some: return want.n == 0 || !in_.empty();
  case Want::all: return false;
  case Want::exactly: return in_.size() >= want.n;
  case Want::until: {
    const std::string_view held = in_.view();
    const std::size_t found = held.find(want.separator, searched_);
    if (found != std::string_view::npos) return true;
    // Not there: the next search starts where a separator could still begin.
    searched_ = held.size() + 1 > want.separator.size() ? held.size() + 1 - want.separator.size() : 0;
    return held.size() > limit_; // too long: the reader gets LimitOverrunError
  }
  }
  return true;
}
// [settled]

// [fill]
bool Connection::fill(const Want& want) {
  while (!settled(want)) {
    if (!readable() || !is_open()) return false;
    // Room for 64 KiB (more for a large readexactly): the kernel gives what it has.
    const std::size_t room = std::max<std::size_t>(64 * 1024, in_.room());
    const ssize_t n = ::recv(fd(), in_.reserve(room), room, 0);
    if (n > 0) {
      in_.commit(static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < room) not_readable(); // a short read emptied the kernel's buffer
    } else if (n == 0) {
      eof_ = true;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      not_readable();
    } else if (errno != EINTR) {
      eof_ = true;
      lose(errno);
    }
  }
  return true;
}
// [fill]

void Connection::on_readable() noexcept {
  if (!reading.waiting()) return; // nobody reads: the bytes stay in the kernel (back-pressure)
  try {
    if (fill(want_)) reading.wake();
  } catch (...) { // no memory for the buffer: the reader finds out
    eof_ = true;
    lose(ENOMEM);
    reading.wake();
  }
}

std::string Connection::take(const Want& want) {
  searched_ = 0;
  switch (want.kind) {
  case Want::some:
    if (in_.empty() && error_ != 0) throw_lost();
    return in_.take(std::min(want.n, in_.size()));
  case Want::all:
    if (error_ != 0 && in_.empty()) throw_lost();
    return in_.take(in_.size());
  case Want::exactly:
    if (in_.size() >= want.n) return in_.take(want.n);
    if (error_ != 0 && in_.empty()) throw_lost();
    throw IncompleteReadError(in_.take(in_.size()), want.n);
  case Want::until: {
    const std::size_t found = in_.view().find(want.separator);
    if (found != std::string_view::npos) {
      if (found > limit_) throw LimitOverrunError("Separator is found, but chunk is longer than limit", found);
      return in_.take(found + want.separator.size());
    }
    if (in_.size() > limit_)
      throw LimitOverrunError("Separator is not found, and chunk exceed the limit",
                              in_.size() + 1 - std::min(in_.size() + 1, want.separator.size()));
    if (error_ != 0 && in_.empty()) throw_lost();
    throw IncompleteReadError(in_.take(in_.size()), std::nullopt);
  }
  }
  return {};
}

void Connection::throw_lost() const {
  if (error_ != 0 && error_ != ENOMEM) throw ConnectionResetError(error_, "Connection lost");
  throw ConnectionResetError(ECONNRESET, "Connection lost");
}

// [write]
void Connection::write(std::string_view bytes) {
  if (ended_) return; // its server closed it: as a lost connection, drain() says so
  if (closing_) throw std::logic_error("write() after close(): the connection is closing");
  if (eof_wanted_) throw std::logic_error("write() after write_eof(): this end of the stream is closed");
  if (bytes.empty() || lost()) return; // lost: drain() tells the writer
  if (out_.empty() && writable()) {    // try the kernel first: in steady state nothing is buffered
    const ssize_t n = ::send(fd(), bytes.data(), bytes.size(), MSG_NOSIGNAL); // never SIGPIPE
    if (n == static_cast<ssize_t>(bytes.size())) return;
    if (n >= 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      not_writable(); // a short write: the kernel's buffer is full
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      not_writable();
    } else if (errno != EINTR) {
      lose(errno);
      return;
    }
  }
  const bool was_paused = paused_;
  out_.append(bytes);
  output_pending(true);
  if (out_.size() > high_) paused_ = true;
  // One large write is fine; writing on and on while the peer does not keep up is the mistake.
  const std::size_t too_much = std::max<std::size_t>(16 * high_, 1024 * 1024);
  if (was_paused && out_.size() > too_much && !reported_) [[unlikely]] {
    reported_ = true;
    report({Pitfall::unbounded_buffer,
            "the write buffer of " + describe() + " holds " + std::to_string(out_.size()) +
                " bytes the peer has not taken: the writer never waits for it",
            {},
            "after write(), co_await writer.drain(): it waits while the buffer is above its high-water mark, so "
            "a slow reader slows the writer down instead of filling its memory"});
  }
}
// [write]

// [flush]
void Connection::on_writable() noexcept {
  writing.wake();             // a task waiting to connect
  if (!out_.empty()) flush(); // last: a close that was waiting for the flush may destroy this
}

void Connection::flush() noexcept {
  while (!out_.empty() && writable() && is_open()) {
    const ssize_t n = ::send(fd(), out_.data(), out_.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      if (static_cast<std::size_t>(n) < out_.size()) not_writable();
      out_.consume(static_cast<std::size_t>(n));
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      not_writable();
    } else if (errno != EINTR) {
      lose(errno);
      return;
    }
  }
  if (paused_ && out_.size() <= low_) { // down to the low-water mark: every drainer goes on
    paused_ = false;
    drainers_.grant_all();
  }
  if (!out_.empty()) return;
  output_pending(false);
  if (eof_wanted_) ::shutdown(fd(), SHUT_WR);
  if (closing_) finish_close(); // (may destroy this: nothing after it)
}
// [flush]

void Connection::output_pending(bool pending) noexcept {
  if (pending == pending_) return;
  pending_ = pending;
  if (pending) {
    selector().add_source();
  } else {
    selector().remove_source();
  }
}

void Connection::write_eof() {
  if (closing_ || eof_wanted_) return;
  eof_wanted_ = true;
  if (out_.empty() && is_open()) ::shutdown(fd(), SHUT_WR);
}

void Connection::set_write_buffer_limits(std::size_t high, std::size_t low) {
  if (low > high) throw std::invalid_argument("the low-water mark must not be above the high-water mark");
  high_ = high;
  low_ = low;
  if (out_.size() > high_) paused_ = true;
  if (paused_ && out_.size() <= low_) {
    paused_ = false;
    drainers_.grant_all();
  }
}

// The peer is gone, or the socket failed: nothing more goes out, and every waiter learns it.
void Connection::lose(int error) noexcept {
  if (error_ == 0) error_ = error;
  out_.clear();
  output_pending(false);
  paused_ = false;
  drainers_.grant_all();
  eof_ = true;
  reading.wake();
  if (closing_) finish_close();
}

void Connection::close() noexcept {
  if (closing_) return;
  closing_ = true;
  if (out_.empty() || lost()) {
    finish_close();
  } else { // the bytes still buffered go out first, even if every handle is dropped meanwhile
    self_ = shared_from_this();
  }
}

void Connection::finish_close() noexcept {
  const auto keep = std::move(self_); // (the last reference, perhaps: released on return)
  output_pending(false);
  eof_ = true;
  close_fd(); // wakes a reader: it finds the end of the stream
  paused_ = false;
  drainers_.grant_all();
  closed_.set();
}

} // namespace detail

// --- the reader ----------------------------------------------------------------------------

detail::ReadOp StreamReader::read(std::ptrdiff_t n) {
  if (n < 0) return {*connection_, {detail::Want::all, 0, {}}, "read()"};
  return {*connection_, {detail::Want::some, static_cast<std::size_t>(n), {}}, "read()"};
}

detail::ReadOp StreamReader::readexactly(std::size_t n) {
  return {*connection_, {detail::Want::exactly, n, {}}, "readexactly()"};
}

detail::ReadOp StreamReader::readuntil(std::string_view separator) {
  if (separator.empty()) throw std::invalid_argument("readuntil(): the separator must not be empty");
  return {*connection_, {detail::Want::until, 0, separator}, "readuntil()"};
}

detail::ReadLine StreamReader::readline() { return {*connection_, {detail::Want::until, 0, "\n"}, "readline()"}; }

detail::ReadInto StreamReader::read_into(std::span<char> into) { return {*connection_, into}; }

namespace detail {

std::string ReadLine::await_resume() {
  try {
    return connection_.take(want_);
  } catch (const IncompleteReadError& error) {
    return error.partial();
  } catch (const LimitOverrunError& error) { // drop the long line, as asyncio does, then say so
    Bytes& in = connection_.input();
    if (in.view().substr(error.consumed()).starts_with("\n")) {
      in.consume(error.consumed() + 1);
    } else {
      in.clear();
    }
    throw;
  }
}

std::size_t ReadInto::await_resume() {
  Bytes& in = connection_.input();
  if (in.empty() && connection_.error() != 0) connection_.throw_lost();
  const std::size_t n = std::min(in.size(), into_.size());
  std::memcpy(into_.data(), in.data(), n);
  in.consume(n);
  return n;
}

Streams make_streams(EpollSelector& selector, int fd, std::size_t limit) {
  auto connection = std::make_shared<Connection>(selector, fd, limit);
  return {StreamReader(connection), StreamWriter(connection)};
}

namespace {

// The socket being connected: a watch of its own until the connection takes the fd.
Task<Streams> connect_to(SocketAddress address, std::size_t limit, std::string what) {
  EpollSelector& selector = EpollSelector::of_running_loop("aio::open_connection");
  const int fd = stream_socket(address.family);
  if (address.family != AF_UNIX) no_delay(fd);
  auto connection = std::make_shared<Connection>(selector, fd, limit); // owns the fd from here
  if (::connect(fd, reinterpret_cast<const sockaddr*>(address.storage), address.length) != 0) {
    if (errno != EINPROGRESS && errno != EAGAIN) {
      if (errno == ECONNREFUSED || errno == ENOENT) throw ConnectionRefusedError(errno, "connect to " + what);
      throw OSError(errno, "connect to " + what);
    }
    connection->not_writable();
    co_await writable(*connection); // the handshake is over, one way or the other
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error == ECONNREFUSED) throw ConnectionRefusedError(error, "connect to " + what);
    if (error != 0) throw OSError(error, "connect to " + what);
  }
  co_return Streams{StreamReader(connection), StreamWriter(connection)};
}

} // namespace
} // namespace detail

namespace detail {
namespace {

// [connect-by-name]
// As asyncio's create_connection: every address the lookup gave, in its order, until one
// connects; if none does, the first failure (the most preferred address's) is thrown.
Task<Streams> connect_by_name(NameLookup lookup, std::string host, std::uint16_t port, std::size_t limit) {
  const std::vector<SocketAddress> addresses = co_await lookup(host, port);
  if (addresses.empty()) throw OSError(EHOSTUNREACH, "'" + host + "' has no address");
  std::exception_ptr first;
  for (const SocketAddress& address : addresses) {
    try {
      co_return co_await connect_to(address, limit, host + " (" + to_address(address).to_string() + ")");
    } catch (const OSError&) {
      if (!first) first = std::current_exception();
    }
  }
  std::rethrow_exception(first);
}
// [connect-by-name]

} // namespace
} // namespace detail

Task<Streams> open_connection(std::string host, std::uint16_t port, std::size_t limit) {
  if (const auto address = detail::numeric_address(host, port))
    return detail::connect_to(*address, limit, detail::to_address(*address).to_string());
  if (const detail::NameLookup lookup = detail::name_lookup.load())
    return detail::connect_by_name(lookup, std::move(host), port, limit);
  throw std::invalid_argument("'" + host +
                              "' is a name, and chapter 10 connects to numeric addresses only (127.0.0.1, ::1, "
                              "localhost): a name lookup blocks, so it runs on a thread; include "
                              "\"aio/resolve.hpp\" (chapter 11) and names work");
}

Task<Streams> open_unix_connection(std::string path, std::size_t limit) {
  return detail::connect_to(detail::unix_address(path), limit, path);
}

} // namespace aio
