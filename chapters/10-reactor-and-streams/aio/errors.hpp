// The errors of sockets and streams, named as Python names them.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

namespace aio {

/// A system call failed (Python: `OSError`); code() holds the errno.
class OSError : public std::system_error {
public:
  /// errno `error`, in `what` ("connect to 127.0.0.1:9").
  OSError(int error, const std::string& what) : std::system_error(error, std::generic_category(), what) {}
  /// An error of another category (chapter 11: getaddrinfo's), in `what`.
  OSError(std::error_code error, const std::string& what) : std::system_error(error, what) {}
};
/// The connection failed or broke (Python: `ConnectionError`).
class ConnectionError : public OSError {
  using OSError::OSError;
};
/// The peer reset the connection, or it is gone (Python: `ConnectionResetError`).
class ConnectionResetError : public ConnectionError {
  using ConnectionError::ConnectionError;
};
/// Nobody listens there (Python: `ConnectionRefusedError`).
class ConnectionRefusedError : public ConnectionError {
  using ConnectionError::ConnectionError;
};

/// The stream ended before a read had what it asked for (Python:
/// `asyncio.IncompleteReadError`). partial() holds what did arrive: it is not lost.
class IncompleteReadError : public std::runtime_error {
public:
  /// `partial` arrived; `expected` bytes were asked for (none: a separator was).
  IncompleteReadError(std::string partial, std::optional<std::size_t> expected)
      : std::runtime_error(message(partial.size(), expected)), partial_(std::move(partial)), expected_(expected) {}
  /// What arrived before the end.
  const std::string& partial() const noexcept { return partial_; }
  /// How many bytes were asked for, if a number was.
  std::optional<std::size_t> expected() const noexcept { return expected_; }

private:
  static std::string message(std::size_t got, std::optional<std::size_t> expected) {
    return std::to_string(got) + " bytes read on a total of " +
           (expected ? std::to_string(*expected) : std::string("undefined")) + " expected bytes";
  }
  std::string partial_;
  std::optional<std::size_t> expected_;
};

/// A separator was not found within the reader's limit (Python: `asyncio.LimitOverrunError`).
/// consumed() says how many bytes can be read past safely.
class LimitOverrunError : public std::runtime_error {
public:
  /// `message`; `consumed` bytes are known not to hold the separator.
  LimitOverrunError(const std::string& message, std::size_t consumed)
      : std::runtime_error(message), consumed_(consumed) {}
  /// How many bytes to consume before the separator could start.
  std::size_t consumed() const noexcept { return consumed_; }

private:
  std::size_t consumed_;
};

} // namespace aio
