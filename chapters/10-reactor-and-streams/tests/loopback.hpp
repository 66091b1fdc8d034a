// What chapter 10's tests share: a loop on epoll, and raw sockets for the misbehaving peers
// that the streams never make themselves (a reset, a tiny send buffer).
#pragma once

#include "aio/epoll_selector.hpp"
#include "aio/run.hpp"
#include "aio/streams.hpp"

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace test10 {

/// aio::run on an EpollSelector, on `clock`.
template <class T>
T run_io(aio::Task<T> main, aio::Clock& clock = aio::steady_clock()) {
  aio::EpollSelector selector;
  return aio::run(std::move(main), {.clock = &clock, .selector = &selector});
}

/// A blocking socket connected to 127.0.0.1:`port` (the kernel completes the handshake before
/// the server accepts), owned.
class RawSocket {
public:
  explicit RawSocket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      throw std::system_error(errno, std::generic_category(), "connect");
  }
  ~RawSocket() { close(); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;
  int fd() const noexcept { return fd_; }
  /// Sends everything (blocking: for bytes that fit the kernel's buffers).
  void send(std::string_view bytes) const {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0) throw std::system_error(errno, std::generic_category(), "send");
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  /// Closes with a reset (RST) instead of a FIN: SO_LINGER with a zero timeout.
  void reset() {
    const linger abort{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    close();
  }
  void close() noexcept {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  }
  /// Gives the fd away (to make streams of it).
  int release() noexcept { return std::exchange(fd_, -1); }

private:
  int fd_;
};

/// Raises this process's open-file limit to at least `n` for a scope (as far as the hard limit
/// allows), then puts it back.
class ScopedFileLimit {
public:
  explicit ScopedFileLimit(rlim_t n) {
    ::getrlimit(RLIMIT_NOFILE, &previous_);
    rlimit wanted = previous_;
    wanted.rlim_cur = n;
    if (wanted.rlim_cur > wanted.rlim_max) wanted.rlim_cur = wanted.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &wanted) != 0) throw std::system_error(errno, std::generic_category(), "setrlimit");
    granted_ = wanted.rlim_cur;
  }
  ~ScopedFileLimit() { ::setrlimit(RLIMIT_NOFILE, &previous_); }
  ScopedFileLimit(const ScopedFileLimit&) = delete;
  ScopedFileLimit& operator=(const ScopedFileLimit&) = delete;
  rlim_t granted() const noexcept { return granted_; }

private:
  rlimit previous_{};
  rlim_t granted_ = 0;
};

} // namespace test10

namespace test10 {

/// "threw: <what>" if awaiting `awaitable` throws an E, "did not throw" otherwise (a co_await
/// cannot go inside Catch's macros). Await it at once: `co_await throws<E>(reader.read(1))`.
template <class E, class Awaitable>
aio::Task<std::string> throws(Awaitable&& awaitable) {
  try {
    (void)co_await std::forward<Awaitable>(awaitable);
  } catch (const E& error) {
    co_return std::string("threw: ") + error.what();
  }
  co_return "did not throw";
}

} // namespace test10

namespace test10 {
/// readexactly(n) as a task of its own.
inline aio::Task<std::string> read_exactly(aio::StreamReader& reader, std::size_t n) {
  co_return co_await reader.readexactly(n);
}
} // namespace test10
