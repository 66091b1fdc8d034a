// The connection under a StreamReader and a StreamWriter (Python: the transport and protocol
// under asyncio's streams): one socket, the bytes read and not yet taken, the bytes written and
// not yet sent, and the tasks waiting on either.
#pragma once

#include "aio/epoll_selector.hpp"
#include "aio/errors.hpp"
#include "aio/event.hpp"
#include "aio/task.hpp"
#include "aio/wait_queue.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aio {

/// An address and port: "127.0.0.1:8000", "[::1]:8000" (Python: a `(host, port)` tuple).
struct Address {
  std::string host;   ///< Numeric: "127.0.0.1", "::1"; a path for a Unix socket.
  std::uint16_t port; ///< 0 for a Unix socket.
  /// "127.0.0.1:8000", "[::1]:8000", or the path.
  std::string to_string() const;
  /// The same host and port.
  bool operator==(const Address&) const = default;
};

namespace detail {

/// A byte buffer read from the front and written at the back; it grows, and keeps its memory:
/// a connection in steady state allocates nothing.
class Bytes {
public:
  std::size_t size() const noexcept { return end_ - begin_; }          ///< Bytes held.
  bool empty() const noexcept { return begin_ == end_; }               ///< Nothing held.
  const char* data() const noexcept { return store_.data() + begin_; } ///< The first byte.
  std::string_view view() const noexcept { return {data(), size()}; }  ///< What it holds.
  /// Room for at least `n` more bytes at the back; returns where they go.
  char* reserve(std::size_t n);
  void commit(std::size_t n) noexcept { end_ += n; } ///< `n` bytes were written at reserve().
  /// Spare room at the back.
  std::size_t room() const noexcept { return store_.size() - end_; }
  void append(std::string_view bytes);         ///< Copies `bytes` to the back.
  void consume(std::size_t n) noexcept;        ///< Drops `n` bytes from the front.
  std::string take(std::size_t n);             ///< The first `n` bytes, taken out.
  void clear() noexcept { begin_ = end_ = 0; } ///< Drops everything.

private:
  std::vector<char> store_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

/// What a read waits for.
struct Want {
  /// Any bytes; everything until the end; n bytes; up to a separator.
  enum Kind : unsigned char { some, all, exactly, until };
  Kind kind = some;           ///< Which of them.
  std::size_t n = 0;          ///< For `exactly`.
  std::string_view separator; ///< For `until`.
};

// [connection]
/// One stream socket and its two buffers. Reads happen only for a waiting reader (so a reader
/// that stops reading stops the socket: the peer's writes block, which is back-pressure),
/// writes go straight to the kernel while it takes them, and the rest is sent on writable
/// events, inside the selector's batch.
class Connection final : public IoWatch, public std::enable_shared_from_this<Connection> {
public:
  /// Takes the connected socket `fd`, registered with `selector`; `limit` bounds lines.
  Connection(EpollSelector& selector, int fd, std::size_t limit);
  ~Connection() override;

  // reading (StreamReader)
  /// Reads into the buffer while `want` is not met and the socket has bytes; true if met or
  /// nothing more will come (the end of the stream, an error, a line past the limit).
  bool fill(const Want& want);
  /// True if `want` is met by what is buffered, or can never be.
  bool settled(const Want& want) noexcept;
  /// Waits until settled(want); `awaiting` suspends meanwhile. One reader at a time.
  template <class P>
  void wait_for(const Want& want, std::coroutine_handle<P> awaiting) {
    want_ = want;
    reading.wait(awaiting);
  }
  /// Takes what `want` asked for; throws IncompleteReadError, LimitOverrunError or
  /// ConnectionResetError as asyncio does.
  std::string take(const Want& want);
  /// A read starts: refuses a second reader (Python: the RuntimeError of two concurrent reads).
  void begin_read(const char* what);
  /// The errno that broke the connection, or 0.
  int error() const noexcept { return error_; }
  Bytes& input() noexcept { return in_; }                      ///< Read, not yet taken.
  bool at_eof() const noexcept { return eof_ && in_.empty(); } ///< Everything was taken.
  std::size_t limit() const noexcept { return limit_; }        ///< The line limit.

  // writing (StreamWriter)
  void write(std::string_view bytes); ///< Sends, or buffers the rest.
  void write_eof();                   ///< Half-closes once flushed.
  void close() noexcept;              ///< Closes once flushed.
  /// Closes it for its server (close_clients()): the handler's later writes are dropped and its
  /// drain() says the connection is lost, as if the peer had gone, instead of a logic_error.
  void end() noexcept {
    ended_ = true;
    close();
  }
  bool paused() const noexcept { return paused_; }                       ///< Above the high-water mark.
  bool lost() const noexcept { return error_ != 0 || closed_.is_set(); } ///< No more writes will go out.
  bool closing() const noexcept { return closing_; }                     ///< close() was called.
  std::size_t write_buffer_size() const noexcept { return out_.size(); } ///< Not sent yet.
  /// The pause/resume marks (asyncio's defaults: 64 KiB, a quarter of that).
  void set_write_buffer_limits(std::size_t high, std::size_t low);
  WaitQueue& drainers() noexcept { return drainers_; } ///< Tasks in drain().
  Event& closed() noexcept { return closed_; }         ///< Set once the socket is closed.
  [[noreturn]] void throw_lost() const;                ///< ConnectionResetError, with the cause.

  Address peername() const; ///< The peer's address.
  Address sockname() const; ///< This end's address.
  std::string describe() const override;

private:
  void on_readable() noexcept override;
  void on_writable() noexcept override;
  void orphaned() noexcept override { // its selector is going: never touch it again
    pending_ = false;
    self_.reset(); // (may destroy this: last)
  }
  void flush() noexcept;
  void lose(int error) noexcept;
  void finish_close() noexcept;
  void output_pending(bool pending) noexcept;

  Bytes in_;
  Bytes out_;
  Want want_;
  std::size_t limit_;
  std::size_t searched_ = 0; // bytes of in_ known not to start the separator
  std::size_t high_ = 64 * 1024;
  std::size_t low_ = 16 * 1024;
  int error_ = 0; // the errno that broke it
  bool eof_ = false;
  bool paused_ = false;
  bool pending_ = false; // out_ is not empty: a source for the selector
  bool eof_wanted_ = false;
  bool closing_ = false;
  bool reported_ = false; // the undrained-writer pitfall, once
  bool ended_ = false;    // closed by its server, not by its handler
  WaitQueue drainers_{"a StreamWriter's drain()"};
  Event closed_;
  std::shared_ptr<Connection> self_; // closing with bytes still to send: it lives until they are
};
// [connection]

/// A socket address, of any family.
struct SocketAddress {
  alignas(8) unsigned char storage[128]; ///< A sockaddr_storage.
  unsigned length = 0;                   ///< Its length.
  int family = 0;                        ///< AF_INET, AF_INET6, AF_UNIX.
};
/// Parses a numeric `host` ("127.0.0.1", "::1", "localhost") and `port`; nothing for a name.
std::optional<SocketAddress> numeric_address(const std::string& host, std::uint16_t port);
/// The same, throwing std::invalid_argument for a name.
SocketAddress parse_address(const std::string& host, std::uint16_t port);

// [name-lookup]
/// How open_connection turns a host name into addresses to try, in order. Chapter 10 has none
/// (a name lookup blocks: it needs a thread); chapter 11 installs one that calls getaddrinfo
/// on a pool's thread, as asyncio does.
using NameLookup = Task<std::vector<SocketAddress>> (*)(std::string host, std::uint16_t port);
/// Installs `lookup` (null: none); returns the previous one.
NameLookup set_name_lookup(NameLookup lookup) noexcept;
// [name-lookup]
/// A Unix socket's address.
SocketAddress unix_address(const std::string& path);
/// The address in `address`, readable.
Address to_address(const SocketAddress& address);
/// The address of the socket `fd`, or of its peer; throws OSError.
Address socket_name(int fd, bool peer);
/// A new non-blocking, close-on-exec stream socket of `family`.
int stream_socket(int family);
/// Sets TCP_NODELAY (small writes go out at once, as asyncio sets it).
void no_delay(int fd) noexcept;

} // namespace detail
} // namespace aio
