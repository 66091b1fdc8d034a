// Exercise 10.3: a TCP proxy that forwards both ways, with back-pressure and half-close.
#pragma once

#include "aio/errors.hpp"
#include "aio/gather.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"

#include "aio/todo.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

/// Copies everything `from` gives to `to`, in chunks of at most 64 KiB, until `from`'s stream
/// ends; then half-closes `to` (write_eof), so its peer sees the end too and can still answer.
/// Never lets more than the writer's high-water mark pile up: a slow reader on `to`'s side
/// slows the reading from `from` down. Returns how many bytes it copied. A connection reset on
/// either side ends the copy early, quietly.
inline aio::Task<std::size_t> pipe(aio::StreamReader& from, aio::StreamWriter& to) {
  std::size_t copied = 0;
  try {
    while (true) {
      const std::string chunk = co_await from.read(64 * 1024);
      if (chunk.empty()) break; // the end of from's stream
      to.write(chunk);
      co_await to.drain();
      copied += chunk.size();
    }
    to.write_eof();
  } catch (const aio::ConnectionResetError&) {}
  co_return copied;
}

/// Serves one client of a TCP proxy: connects to `host`:`port` and forwards both ways at once,
/// each direction with pipe(), until both directions have ended; then closes both connections
/// and waits for the closes. If the upstream connection fails, the client's connection is
/// closed at once.
inline aio::Task<> proxy(aio::StreamReader client_reader, aio::StreamWriter client_writer, std::string host,
                         std::uint16_t port) {
  std::optional<aio::Streams> upstream;
  try {
    upstream.emplace(co_await aio::open_connection(host, port));
  } catch (const aio::OSError&) {}
  if (upstream) {
    auto& [upstream_reader, upstream_writer] = *upstream;
    co_await aio::gather(pipe(client_reader, upstream_writer), pipe(upstream_reader, client_writer));
    upstream_writer.close();
    co_await upstream_writer.wait_closed();
  }
  client_writer.close();
  co_await client_writer.wait_closed();
}
