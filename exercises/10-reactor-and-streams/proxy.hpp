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
  (void)from;
  (void)to;
  AIO_TODO("10.3");
  co_return 0;
}

/// Serves one client of a TCP proxy: connects to `host`:`port` and forwards both ways at once,
/// each direction with pipe(), until both directions have ended; then closes both connections
/// and waits for the closes. If the upstream connection fails, the client's connection is
/// closed at once.
inline aio::Task<> proxy(aio::StreamReader client_reader, aio::StreamWriter client_writer, std::string host,
                         std::uint16_t port) {
  (void)client_reader;
  (void)client_writer;
  (void)host;
  (void)port;
  AIO_TODO("10.3");
  co_return;
}
