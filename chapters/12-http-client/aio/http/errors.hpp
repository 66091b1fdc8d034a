// What an HTTP request can fail with (Python: aiohttp's ClientError family). Every error says
// which URL it was about and what happened, in words a learner can act on.
#pragma once

#include "aio/timeout.hpp"

#include <stdexcept>
#include <string>

namespace aio::http {

/// The base of every client error (Python: `aiohttp.ClientError`).
class ClientError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A URL the client cannot use: no host, a scheme it does not speak, a port out of range
/// (Python: `aiohttp.InvalidURL`).
class InvalidURL : public ClientError {
public:
  using ClientError::ClientError;
};

/// The connection could not be made, or broke (Python: `aiohttp.ClientConnectionError`,
/// `ClientConnectorError`, `ClientOSError`).
class ClientConnectionError : public ClientError {
public:
  using ClientError::ClientError;
};

/// The server closed the connection before it had answered (Python:
/// `aiohttp.ServerDisconnectedError`).
class ServerDisconnectedError : public ClientConnectionError {
public:
  using ClientConnectionError::ClientConnectionError;
};

/// The server's answer is not HTTP/1.1 as it must be: a garbage status line, a bad chunk size,
/// headers too large (Python: `aiohttp.ClientResponseError` from its parser,
/// `aiohttp.http_exceptions.BadStatusLine` and friends).
class InvalidResponse : public ClientError {
public:
  using ClientError::ClientError;
};

/// The body ended before it was complete: the server vanished mid-body, or its length or
/// chunks do not add up (Python: `aiohttp.ClientPayloadError`).
class ClientPayloadError : public ClientError {
public:
  using ClientError::ClientError;
};

/// A status of 400 or more, from Response::raise_for_status() (Python:
/// `aiohttp.ClientResponseError`, whose `status` it keeps).
class ClientResponseError : public ClientError {
public:
  /// `status` for `url`, with its reason phrase.
  ClientResponseError(int status, const std::string& reason, const std::string& url)
      : ClientError(std::to_string(status) + " " + reason + " from " + url), status_(status) {}
  /// The status the server answered with.
  int status() const noexcept { return status_; }

private:
  int status_;
};

/// More redirects than `max_redirects` (Python: `aiohttp.TooManyRedirects`).
class TooManyRedirects : public ClientError {
public:
  using ClientError::ClientError;
};

/// A timeout of ClientTimeout ran out: it is an aio::TimeoutError, so `catch (const
/// aio::TimeoutError&)` catches it, and it says which one (Python: `aiohttp.ServerTimeoutError`,
/// an `asyncio.TimeoutError`).
class ServerTimeoutError : public TimeoutError {
public:
  /// With `message` for what().
  explicit ServerTimeoutError(std::string message) : message_(std::move(message)) {}
  /// Which timeout, after how long, for which URL.
  const char* what() const noexcept override { return message_.c_str(); }

private:
  std::string message_;
};

} // namespace aio::http
