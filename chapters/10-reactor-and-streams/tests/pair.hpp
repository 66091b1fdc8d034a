// Two ends of one TCP connection on loopback, both as streams, for the stream tests.
#pragma once

#include "aio/event.hpp"
#include "aio/server.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"

#include <optional>
#include <utility>

namespace test10 {

/// The client's end and the server's end of one connection.
struct Pair {
  aio::Streams client;
  aio::Streams server;
};

/// Connects to a server of its own on 127.0.0.1, takes the accepted connection's streams, and
/// closes the server (the connection stays). `limit` is both readers' limit.
inline aio::Task<Pair> tcp_pair(std::size_t limit = aio::StreamReader::default_limit) {
  std::optional<aio::Streams> accepted;
  aio::Event got;
  const auto keep = [&](aio::StreamReader reader, aio::StreamWriter writer) -> aio::Task<> {
    accepted.emplace(std::move(reader), std::move(writer));
    got.set();
    co_return;
  };
  aio::Server server = co_await aio::start_server(keep, "127.0.0.1", 0, {.limit = limit});
  aio::Streams client = co_await aio::open_connection("127.0.0.1", server.sockets().at(0).port, limit);
  co_await got.wait();
  server.close();
  co_await server.wait_closed();
  co_return Pair{std::move(client), std::move(*accepted)};
}

} // namespace test10
