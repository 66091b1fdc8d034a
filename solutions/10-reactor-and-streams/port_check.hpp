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

namespace detail10 {
// One probe: true if a connection could be made (and it is closed again at once).
inline aio::Task<bool> probe(std::string host, std::uint16_t port, const PortCheck& check, aio::Semaphore& slots) {
  auto slot = co_await slots.scoped();
  std::optional<aio::Streams> streams;
  try {
    streams.emplace(co_await aio::wait_for(check.connect(host, port), check.timeout));
  } catch (const aio::OSError&) { // refused, unreachable, reset: not open
    co_return false;
  } catch (const aio::TimeoutError&) { // no answer in time: as good as closed
    co_return false;
  }
  streams->second.close();
  co_await streams->second.wait_closed();
  co_return true;
}
} // namespace detail10

/// The ports of `host` among `ports` that accept a TCP connection, in the order of `ports`.
/// At most `check.at_once` probes run at once; a probe that has not connected within
/// `check.timeout` counts as closed, as does one whose connection fails with an OSError
/// (refused, for instance). Every connection made is closed before the result is given.
/// Throws std::invalid_argument if `at_once` is 0; any other error of a probe is thrown.
inline aio::Task<std::vector<std::uint16_t>> open_ports(std::string host, std::vector<std::uint16_t> ports,
                                                        PortCheck check = {}) {
  if (check.at_once == 0) throw std::invalid_argument("open_ports(): at_once must be at least 1");
  aio::Semaphore slots(check.at_once);
  std::vector<aio::Task<bool>> probes;
  for (std::uint16_t port : ports) probes.push_back(detail10::probe(host, port, check, slots));
  const std::vector<bool> open = co_await aio::gather(std::move(probes));
  std::vector<std::uint16_t> found;
  for (std::size_t i = 0; i < ports.size(); ++i)
    if (open[i]) found.push_back(ports[i]);
  co_return found;
}
