// Streams: StreamReader and StreamWriter over a socket, and open_connection (Python:
// asyncio.StreamReader, asyncio.StreamWriter, asyncio.open_connection).
#pragma once

#include "aio/connection.hpp"
#include "aio/task.hpp"

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace aio {

namespace detail {

// [read-op]
/// What `co_await reader.read(...)` and its siblings do: try the socket first, and wait only if
/// what is asked for has not arrived; the bytes come out of the buffer when the task resumes.
/// A cancelled read takes nothing: whatever arrived stays buffered for the next read.
class ReadOp {
public:
  /// Reads from `connection` what `want` says; `what` names the call for errors.
  ReadOp(Connection& connection, Want want, const char* what) noexcept
      : connection_(connection), want_(want), what_(what) {}
  /// Met already, from the buffer or by one read of the socket: no wait.
  bool await_ready() {
    connection_.begin_read(what_);
    return connection_.fill(want_);
  }
  /// Waits for the reactor to read what is missing.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) {
    connection_.wait_for(want_, awaiting);
  }
  /// The bytes, or the error of a stream that ended too early.
  std::string await_resume() { return connection_.take(want_); }

protected:
  Connection& connection_; ///< What it reads.
  Want want_;              ///< What it waits for.
  const char* what_;       ///< The call, for errors: "readline()".
};
// [read-op]

/// `co_await reader.readline()`: as readuntil("\n"), but the end of the stream gives what is
/// left, and a line past the limit is dropped before the error (asyncio's readline).
class ReadLine : public ReadOp {
public:
  using ReadOp::ReadOp;
  /// The line, with its "\n" (without one if the stream ended first; "" at the end).
  std::string await_resume();
};

/// `co_await reader.read_into(buffer)`: as read(n), into the caller's memory: nothing is
/// allocated.
class ReadInto : public ReadOp {
public:
  /// Reads at most `into.size()` bytes from `connection`.
  ReadInto(Connection& connection, std::span<char> into) noexcept
      : ReadOp(connection, {Want::some, into.size(), {}}, "read_into()"), into_(into) {}
  /// How many bytes were copied; 0 at the end of the stream.
  std::size_t await_resume();

private:
  std::span<char> into_;
};

/// `co_await writer.drain()`: waits while the writer's buffer is above its high-water mark.
class Drain : Waiting {
public:
  /// Drains `connection`.
  explicit Drain(Connection& connection) noexcept : connection_(connection) {}
  /// Below the mark (or nothing will ever go out: the error comes from await_resume).
  bool await_ready() const noexcept { return !connection_.paused() || connection_.lost(); }
  /// Waits with the other drainers.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) {
    wait_in(connection_.drainers(), awaiting);
  }
  /// Returns once the buffer is at the low-water mark; throws ConnectionResetError if the
  /// connection is lost.
  void await_resume() const {
    woken();
    if (connection_.lost()) connection_.throw_lost();
  }

private:
  Connection& connection_;
};

} // namespace detail

// [reader]
/// The reading end of a connection (Python: `asyncio.StreamReader`). Each read returns once it
/// has what it asked for; a reader that does not read leaves the bytes in the kernel, so the
/// sender is slowed down (back-pressure). One task reads at a time.
class StreamReader {
public:
  /// asyncio's default limit for a line: 64 KiB.
  static constexpr std::size_t default_limit = 64 * 1024;

  /// Up to `n` bytes, as soon as any are there; "" at the end of the stream. With `n` < 0,
  /// everything until the end (Python: `read(n=-1)`).
  [[nodiscard]] detail::ReadOp read(std::ptrdiff_t n = -1);
  /// Exactly `n` bytes; if the stream ends first, IncompleteReadError holding what came
  /// (Python: `readexactly`). `n` may be larger than the limit.
  [[nodiscard]] detail::ReadOp readexactly(std::size_t n);
  /// The bytes up to and including `separator`; IncompleteReadError if the stream ends first,
  /// LimitOverrunError (the bytes stay) if none is found within the limit (Python: `readuntil`).
  [[nodiscard]] detail::ReadOp readuntil(std::string_view separator = "\n");
  /// One line with its "\n"; at the end of the stream what is left, then "" (Python: `readline`).
  /// A line longer than the limit is dropped, then LimitOverrunError is thrown.
  [[nodiscard]] detail::ReadLine readline();
  /// Up to `into.size()` bytes into `into`, allocating nothing; 0 at the end of the stream.
  [[nodiscard]] detail::ReadInto read_into(std::span<char> into);
  /// True once the stream has ended and every byte was read (Python: `at_eof()`).
  bool at_eof() const noexcept { return connection_->at_eof(); }
  /// Bytes read from the socket and not taken yet.
  std::size_t buffered() const noexcept { return connection_->input().size(); }
  // [reader]

  /// A reader of `connection` (open_connection and start_server make them).
  explicit StreamReader(std::shared_ptr<detail::Connection> connection) noexcept : connection_(std::move(connection)) {}

private:
  std::shared_ptr<detail::Connection> connection_;
};

// [writer]
/// The writing end of a connection (Python: `asyncio.StreamWriter`). write() never waits: what
/// the kernel does not take at once is buffered, and sent as the socket becomes writable.
/// drain() is the back-pressure: it waits while more than the high-water mark is buffered.
class StreamWriter {
public:
  /// Sends `bytes`, or buffers what the kernel does not take now. Throws std::logic_error
  /// after close() or write_eof(). On a lost connection the bytes are dropped; drain() says so.
  void write(std::string_view bytes) { connection_->write(bytes); }
  /// write() of each in turn (Python: `writelines`).
  void writelines(std::initializer_list<std::string_view> lines) {
    for (std::string_view line : lines) write(line);
  }
  /// `co_await writer.drain()`: returns at once below the high-water mark (64 KiB), else once
  /// the buffer is down to the low-water mark (16 KiB). Any number of tasks may drain at once.
  /// ConnectionResetError once the peer is gone.
  [[nodiscard]] detail::Drain drain() noexcept { return detail::Drain(*connection_); }
  /// Half-closes: once the buffer is sent, the peer reads the end of the stream, and can still
  /// write back (Python: `write_eof`).
  void write_eof() { connection_->write_eof(); }
  /// True: a TCP or Unix stream can be half-closed (Python: `can_write_eof`).
  bool can_write_eof() const noexcept { return true; }
  /// Closes the connection once the buffer is sent (Python: `close`). The reader sees the end.
  void close() noexcept { connection_->close(); }
  /// True once close() was called (Python: `is_closing`).
  bool is_closing() const noexcept { return connection_->closing(); }
  /// `co_await writer.wait_closed()`: returns once the socket is closed (Python: `wait_closed`).
  [[nodiscard]] Event::Wait wait_closed() noexcept { return connection_->closed().wait(); }
  /// Bytes buffered, not yet sent (Python: `transport.get_write_buffer_size()`).
  std::size_t write_buffer_size() const noexcept { return connection_->write_buffer_size(); }
  /// Changes the marks drain() uses (Python: `transport.set_write_buffer_limits`); `low`
  /// defaults to a quarter of `high`.
  void set_write_buffer_limits(std::size_t high, std::size_t low = static_cast<std::size_t>(-1)) {
    connection_->set_write_buffer_limits(high, low == static_cast<std::size_t>(-1) ? high / 4 : low);
  }
  /// The peer's address (Python: `get_extra_info("peername")`).
  Address peername() const { return connection_->peername(); }
  /// This end's address (Python: `get_extra_info("sockname")`).
  Address sockname() const { return connection_->sockname(); }
  /// The socket's fd, for socket options (Python: `get_extra_info("socket")`); -1 once closed.
  int fd() const noexcept { return connection_->fd(); }
  // [writer]

  /// A writer of `connection` (open_connection and start_server make them).
  explicit StreamWriter(std::shared_ptr<detail::Connection> connection) noexcept : connection_(std::move(connection)) {}

private:
  std::shared_ptr<detail::Connection> connection_;
};

/// The two ends of a connection.
using Streams = std::pair<StreamReader, StreamWriter>;

// [open-connection]
/// Connects to `host` and `port` and gives the connection's two ends (Python:
/// `reader, writer = await asyncio.open_connection(host, port)`). `host` is numeric
/// ("127.0.0.1", "::1") or "localhost": chapter 11 adds name lookups. Throws
/// ConnectionRefusedError if nobody listens there, OSError for other failures.
Task<Streams> open_connection(std::string host, std::uint16_t port, std::size_t limit = StreamReader::default_limit);
/// The same for the Unix socket at `path` (Python: `asyncio.open_unix_connection`).
Task<Streams> open_unix_connection(std::string path, std::size_t limit = StreamReader::default_limit);
// [open-connection]

namespace detail {
/// The two ends of the connected socket `fd` (the server makes them for each client).
Streams make_streams(EpollSelector& selector, int fd, std::size_t limit);
} // namespace detail

} // namespace aio
