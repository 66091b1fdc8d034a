// Exercise 10.2: a port checker that probes many ports at once, within limits.
#pragma once

#include "aio/errors.hpp"
#include "aio/gather.hpp"
#include "aio/semaphore.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"
#include "aio/timeout.hpp"

#include "aio/todo.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

/// How a probe connects: aio::open_connection unless a test gives another.
using Connector = std::function<aio::Task<aio::Streams>(std::string host, std::uint16_t port)>;

/// The checker's limits.
struct PortCheck {
  std::size_t at_once = 100;                       ///< Probes in flight at most.
  aio::Duration timeout = std::chrono::seconds(1); ///< A probe slower than this counts as closed.
  Connector connect = [](std::string host, std::uint16_t port) { return aio::open_connection(host, port); };
};

/// The ports of `host` among `ports` that accept a TCP connection, in the order of `ports`.
/// At most `check.at_once` probes run at once; a probe that has not connected within
/// `check.timeout` counts as closed, as does one whose connection fails with an OSError
/// (refused, for instance). Every connection made is closed before the result is given.
/// Throws std::invalid_argument if `at_once` is 0; any other error of a probe is thrown.
inline aio::Task<std::vector<std::uint16_t>> open_ports(std::string host, std::vector<std::uint16_t> ports,
                                                        PortCheck check = {}) {
  (void)host;
  (void)ports;
  (void)check;
  AIO_TODO("10.2");
  co_return {};
}
