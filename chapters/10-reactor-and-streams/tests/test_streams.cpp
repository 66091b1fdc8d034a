// StreamReader and StreamWriter on real loopback sockets: each read takes what it asks for,
// errors keep the bytes, cancellation loses nothing, half-close, back-pressure, resets.
#include "aio/gather.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"

#include "loopback.hpp"
#include "pair.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/socket.h>

using aio::Task;
using test10::Pair;
using test10::run_io;
using test10::tcp_pair;
using test10::throws;
using namespace std::chrono_literals;

namespace {

// 0, 1, 2, ... 255, 0, 1, ...: a pattern in which a lost, doubled or swapped byte shows.
std::string pattern(std::size_t n, std::size_t from = 0) {
  std::string bytes(n, '\0');
  for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<char>((from + i) % 251);
  return bytes;
}

} // namespace

AIO_TEST_CASE("Streams: read, readline, readexactly and readuntil each take what they ask for, in order",
              "[ch10][streams][asyncio]") {
  const auto body = []() -> Task<std::vector<std::string>> {
    Pair pair = co_await tcp_pair();
    auto& [reader, _] = pair.client;
    auto& writer = pair.server.second;
    writer.write("line one\nline two\nABCDEFrest--END--tail");
    writer.write_eof();
    std::vector<std::string> got;
    got.push_back(co_await reader.readline());
    got.push_back(co_await reader.readuntil("\n"));
    got.push_back(co_await reader.readexactly(6));
    got.push_back(co_await reader.readuntil("--END--"));
    got.push_back(co_await reader.read(2));
    got.push_back(co_await reader.read()); // the rest, until the end
    got.push_back(co_await reader.read());
    got.push_back(co_await reader.readline());
    got.push_back(reader.at_eof() ? "at eof" : "not at eof");
    co_return got;
  };
  CHECK(run_io(body()) ==
        std::vector<std::string>{"line one\n", "line two\n", "ABCDEF", "rest--END--", "ta", "il", "", "", "at eof"});
}

AIO_TEST_CASE("Streams: read(0) returns at once, read(n) gives what is there without waiting for n",
              "[ch10][streams][asyncio]") {
  const auto body = []() -> Task<std::vector<std::string>> {
    Pair pair = co_await tcp_pair();
    auto& reader = pair.client.first;
    pair.server.second.write("abc");
    std::vector<std::string> got;
    got.push_back(co_await reader.read(0));
    got.push_back(co_await reader.read(100));
    pair.server.second.close();
    co_return got;
  };
  CHECK(run_io(body()) == std::vector<std::string>{"", "abc"});
}

AIO_TEST_CASE("Streams: the end of the stream before readexactly or readuntil has all: IncompleteReadError keeps "
              "the partial bytes",
              "[ch10][streams][asyncio]") {
  const auto body = []() -> Task<> {
    Pair pair = co_await tcp_pair();
    auto& reader = pair.client.first;
    pair.server.second.write("12345");
    pair.server.second.close();
    try {
      (void)co_await reader.readexactly(10);
      FAIL("readexactly(10) of 5 bytes returned");
    } catch (const aio::IncompleteReadError& error) {
      CHECK(error.partial() == "12345");
      CHECK(error.expected() == 10u);
      CHECK(std::string(error.what()) == "5 bytes read on a total of 10 expected bytes");
    }
    CHECK(reader.at_eof());
    const std::string incomplete = co_await throws<aio::IncompleteReadError>(reader.readuntil("\n"));
    CHECK(incomplete == "threw: 0 bytes read on a total of undefined expected bytes");
  };
  run_io(body());
}

AIO_TEST_CASE("Streams: a 1 MiB line against the 64 KiB limit: readuntil throws LimitOverrunError and keeps the "
              "bytes, readline drops the line and reads the next",
              "[ch10][streams][asyncio]") {
  const auto body = []() -> Task<> {
    Pair pair = co_await tcp_pair();
    auto& reader = pair.client.first;
    auto& writer = pair.server.second;
    const std::string long_line = std::string(1 << 20, 'x') + "\n";
    writer.write(long_line);
    writer.write("next\n");
    writer.write_eof();
    try {
      (void)co_await reader.readuntil("\n");
      FAIL("readuntil returned a line over the limit");
    } catch (const aio::LimitOverrunError& error) {
      CHECK(std::string(error.what()).find("chunk") != std::string::npos);
      CHECK(error.consumed() > 0);
    }
    CHECK(reader.buffered() > aio::StreamReader::default_limit);     // the bytes stay: nothing was lost
    CHECK(reader.buffered() < 3 * aio::StreamReader::default_limit); // and reading stopped near the limit
    // readline drops what it holds of the long line and says so, each time, until the line's
    // end has gone by (as asyncio's readline does); then the next line reads.
    int overruns = 0;
    while (true) {
      const std::string outcome = co_await throws<aio::LimitOverrunError>(reader.readline());
      if (outcome == "did not throw") break; // that readline returned the long line's tail
      CHECK_THAT(outcome, Catch::Matchers::StartsWith("threw: Separator"));
      REQUIRE(++overruns < 100);
    }
    CHECK(overruns >= 1);
    const std::string next = co_await reader.readline();
    CHECK(next == "next\n");
    const std::string last = co_await reader.readline();
    CHECK(last == "");
  };
  run_io(body());
}

AIO_TEST_CASE("Streams: readexactly may ask for more than the limit", "[ch10][streams][asyncio]") {
  const auto body = []() -> Task<bool> {
    Pair pair = co_await tcp_pair(1024);
    const std::string sent = pattern(300 * 1024);
    pair.server.second.write(sent);
    const std::string got = co_await pair.client.first.readexactly(sent.size());
    pair.server.second.close();
    co_return got == sent;
  };
  CHECK(run_io(body()));
}

AIO_TEST_CASE("Streams: a second reader while one waits is refused", "[ch10][streams][asyncio]") {
  const auto body = []() -> Task<> {
    Pair pair = co_await tcp_pair();
    auto& reader = pair.client.first;
    Task<std::string> first = aio::create_task(test10::read_exactly(reader, 3));
    co_await aio::sleep(0s); // it waits now
    const std::string refused = co_await throws<std::logic_error>(reader.read(1));
    CHECK(refused == "threw: read() called while another task is already waiting for incoming data");
    pair.server.second.write("abc");
    const std::string got = co_await first;
    CHECK(got == "abc");
    pair.server.second.close();
  };
  run_io(body());
}

AIO_TEST_CASE("Streams: a reader cancelled while its bytes arrive loses none and doubles none",
              "[ch10][streams][cancel]") {
  const auto body = []() -> Task<std::string> {
    Pair pair = co_await tcp_pair();
    auto& reader = pair.client.first;
    auto& writer = pair.server.second;
    const std::string sent = pattern(100);
    Task<std::string> waiting = aio::create_task(test10::read_exactly(reader, 100));
    co_await aio::sleep(0s);
    writer.write(sent.substr(0, 60)); // arrives, but not enough: it stays buffered
    co_await aio::sleep(10ms);
    CHECK(waiting.cancel());
    co_await aio::sleep(0s);
    CHECK(waiting.cancelled());
    writer.write(sent.substr(60));
    std::string got = co_await reader.readexactly(100); // the next reader gets every byte, once
    writer.close();
    co_return got == sent ? "all 100 bytes, in order" : "lost or doubled";
  };
  CHECK(run_io(body()) == "all 100 bytes, in order");
}

AIO_TEST_CASE("Streams: half-close both ways: each end reads the other's end of stream and can still write",
              "[ch10][streams]") {
  const auto body = []() -> Task<std::vector<std::string>> {
    Pair pair = co_await tcp_pair();
    auto& [client_reader, client_writer] = pair.client;
    auto& [server_reader, server_writer] = pair.server;
    std::vector<std::string> got;
    client_writer.write("question");
    client_writer.write_eof();
    CHECK_THROWS_AS(client_writer.write("more"), std::logic_error);
    got.push_back(co_await server_reader.read()); // until the client's end of stream
    got.push_back(server_reader.at_eof() ? "server saw eof" : "no eof");
    server_writer.write("answer"); // the other way is still open
    server_writer.write_eof();
    got.push_back(co_await client_reader.read());
    got.push_back(client_reader.at_eof() ? "client saw eof" : "no eof");
    client_writer.close();
    server_writer.close();
    co_await client_writer.wait_closed();
    co_await server_writer.wait_closed();
    co_return got;
  };
  CHECK(run_io(body()) == std::vector<std::string>{"question", "server saw eof", "answer", "client saw eof"});
}

AIO_TEST_CASE("Streams: a slow reader: drain() keeps the writer's buffer below the high-water mark plus one write",
              "[ch10][streams][back-pressure]") {
  aio::VirtualClock clock;
  const auto body = []() -> Task<> {
    Pair pair = co_await tcp_pair();
    auto& reader = pair.client.first;
    auto& writer = pair.server.second;
    constexpr std::size_t chunk = 8 * 1024, total = 4 * 1024 * 1024;
    const int small = 16 * 1024; // small kernel buffers: the writer's own buffer fills at once
    ::setsockopt(writer.fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    ::setsockopt(pair.client.second.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    std::size_t most = 0;
    const auto produce = [&]() -> Task<> {
      for (std::size_t sent = 0; sent < total; sent += chunk) {
        writer.write(pattern(chunk, sent));
        most = std::max(most, writer.write_buffer_size());
        co_await writer.drain();
      }
      writer.close();
    };
    Task<> producer = aio::create_task(produce());
    std::size_t got = 0;
    bool intact = true;
    while (true) {
      const std::string part = co_await reader.read(4096);
      if (part.empty()) break;
      intact = intact && part == pattern(part.size(), got); // checked as it comes: no long step
      got += part.size();
      co_await aio::sleep(1ms); // a slow consumer
    }
    co_await producer;
    CHECK(got == total);
    CHECK(intact);
    CHECK(most > 0);                  // the kernel's buffers filled: the writer had to buffer
    CHECK(most <= 64 * 1024 + chunk); // but never more than the mark and one write
  };
  run_io(body(), clock);
}

AIO_TEST_CASE("Streams: a tiny SO_SNDBUF makes every write hit EAGAIN: 1 MiB still arrives whole, and several "
              "drainers wait at once",
              "[ch10][streams][back-pressure]") {
  const auto body = []() -> Task<bool> {
    Pair pair = co_await tcp_pair();
    auto& writer = pair.client.second;
    const int tiny = 4096;
    ::setsockopt(writer.fd(), SOL_SOCKET, SO_SNDBUF, &tiny, sizeof tiny);
    const std::string sent = pattern(1 << 20);
    writer.write(sent); // far more than the kernel takes: the rest is buffered
    CHECK(writer.write_buffer_size() > 64 * 1024);
    int drained = 0;
    const auto drainer = [&]() -> Task<> {
      co_await writer.drain();
      ++drained;
    };
    Task<> a = aio::create_task(drainer());
    Task<> b = aio::create_task(drainer());
    const std::string got = co_await pair.server.first.readexactly(sent.size());
    co_await a;
    co_await b;
    CHECK(drained == 2);
    writer.close();
    co_return got == sent;
  };
  CHECK(run_io(body()));
}

AIO_TEST_CASE("Streams: the peer resets while drain() waits: ConnectionResetError, for every drainer",
              "[ch10][streams][faults]") {
  const auto body = []() -> Task<> {
    std::optional<aio::Streams> accepted;
    aio::Event got;
    const auto keep = [&](aio::StreamReader reader, aio::StreamWriter writer) -> Task<> {
      accepted.emplace(std::move(reader), std::move(writer));
      got.set();
      co_return;
    };
    aio::Server server = co_await aio::start_server(keep, "127.0.0.1", 0);
    test10::RawSocket peer(server.sockets().at(0).port); // it never reads
    const int tiny = 4096;
    ::setsockopt(peer.fd(), SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny);
    co_await got.wait();
    auto& writer = accepted->second;
    ::setsockopt(writer.fd(), SOL_SOCKET, SO_SNDBUF, &tiny, sizeof tiny);
    writer.write(pattern(1 << 20)); // more than the kernel's buffers hold
    REQUIRE(writer.write_buffer_size() > 64 * 1024);
    const auto drainer = [&]() -> Task<std::string> {
      try {
        co_await writer.drain();
        co_return "drained";
      } catch (const aio::ConnectionResetError& error) {
        co_return std::string("reset: ") + error.what();
      }
    };
    Task<std::string> a = aio::create_task(drainer());
    Task<std::string> b = aio::create_task(drainer());
    co_await aio::sleep(0s);
    peer.reset();
    const std::string first = co_await a, second = co_await b;
    CHECK_THAT(first, Catch::Matchers::StartsWith("reset: Connection lost"));
    CHECK_THAT(second, Catch::Matchers::StartsWith("reset: Connection lost"));
    writer.write("dropped"); // a lost connection takes nothing, without an error (as asyncio)
    const std::string again = co_await throws<aio::ConnectionResetError>(writer.drain());
    CHECK_THAT(again, Catch::Matchers::StartsWith("threw: Connection lost"));
    writer.close();
    server.close();
  };
  run_io(body());
}

AIO_TEST_CASE("Streams: write after close() or write_eof() is a mistake, said at once", "[ch10][streams]") {
  const auto body = []() -> Task<> {
    Pair pair = co_await tcp_pair();
    pair.client.second.close();
    CHECK(pair.client.second.is_closing());
    CHECK_THROWS_WITH(pair.client.second.write("x"), "write() after close(): the connection is closing");
    pair.server.second.write_eof();
    CHECK_THROWS_WITH(pair.server.second.write("x"), "write() after write_eof(): this end of the stream is closed");
    const std::string rest = co_await pair.server.first.read();
    CHECK(rest == ""); // the client's close reaches the server as an end of stream
    pair.server.second.close();
  };
  run_io(body());
}

AIO_TEST_CASE("Streams: close() sends what is buffered first, even when every handle is dropped", "[ch10][streams]") {
  const auto body = []() -> Task<bool> {
    Pair pair = co_await tcp_pair();
    const int tiny = 4096;
    const std::string sent = pattern(512 * 1024);
    {
      std::optional<aio::Streams> client(std::move(pair.client));
      ::setsockopt(client->second.fd(), SOL_SOCKET, SO_SNDBUF, &tiny, sizeof tiny);
      client->second.write(sent);
      CHECK(client->second.write_buffer_size() > 0);
      client->second.close();
    } // both ends of the client dropped: the connection lives on until its bytes are sent
    const std::string got = co_await pair.server.first.read();
    pair.server.second.close();
    co_return got == sent;
  };
  CHECK(run_io(body()));
}

AIO_TEST_CASE("Streams: IPv6 loopback and Unix sockets work as TCP on 127.0.0.1 does", "[ch10][streams]") {
  const auto echo_once = [](aio::StreamReader reader, aio::StreamWriter writer) -> Task<> {
    writer.write(co_await reader.readline());
    writer.close();
    co_await writer.wait_closed();
  };
  const auto body = [&]() -> Task<std::vector<std::string>> {
    std::vector<std::string> got;
    aio::Server v6 = co_await aio::start_server(echo_once, "::1", 0);
    CHECK(v6.sockets().at(0).host == "::1");
    auto [reader, writer] = co_await aio::open_connection("::1", v6.sockets().at(0).port);
    CHECK(writer.peername().to_string() == "[::1]:" + std::to_string(v6.sockets().at(0).port));
    writer.write("over IPv6\n");
    got.push_back(co_await reader.readline());
    writer.close();
    v6.close();

    const std::string path = "/tmp/aio-ch10-" + std::to_string(::getpid()) + ".sock";
    aio::Server unix_server = co_await aio::start_unix_server(echo_once, path);
    auto [unix_reader, unix_writer] = co_await aio::open_unix_connection(path);
    unix_writer.write("over a Unix socket\n");
    got.push_back(co_await unix_reader.readline());
    unix_writer.close();
    unix_server.close();
    got.push_back(::access(path.c_str(), F_OK) == 0 ? "socket file left" : "socket file removed");
    co_await v6.wait_closed();
    co_await unix_server.wait_closed();
    co_return got;
  };
  CHECK(run_io(body()) == std::vector<std::string>{"over IPv6\n", "over a Unix socket\n", "socket file removed"});
}

AIO_TEST_CASE("Streams: connecting where nobody listens: ConnectionRefusedError, and a host name gets a clear error",
              "[ch10][streams][errors]") {
  const auto body = []() -> Task<> {
    std::uint16_t free_port = 0;
    {
      const auto nothing = [](aio::StreamReader, aio::StreamWriter) -> Task<> { co_return; };
      aio::Server server = co_await aio::start_server(nothing, "127.0.0.1", 0);
      free_port = server.sockets().at(0).port;
    } // closed: nobody listens there now
    const std::string refused =
        co_await throws<aio::ConnectionRefusedError>(aio::open_connection("127.0.0.1", free_port));
    CHECK_THAT(refused, Catch::Matchers::StartsWith("threw: connect to 127.0.0.1:"));
    CHECK_THROWS_WITH(aio::open_connection("example.com", 80),
                      Catch::Matchers::Contains("is a name") && Catch::Matchers::Contains("chapter 11"));
  };
  run_io(body());
}

AIO_TEST_CASE("Streams: a loop without an EpollSelector says how to get one", "[ch10][streams][errors]") {
  const auto body = []() -> Task<> { (void)co_await aio::open_connection("127.0.0.1", 9); };
  CHECK_THROWS_WITH(aio::run(body()), Catch::Matchers::Contains("needs a loop that waits on sockets") &&
                                          Catch::Matchers::Contains("aio::EpollSelector selector;"));
}

AIO_TEST_CASE("Streams: writing to a peer that has closed never raises SIGPIPE: drain() says the connection is lost",
              "[ch10][streams][faults]") {
  const auto body = []() -> Task<std::string> {
    Pair pair = co_await tcp_pair();
    pair.server.second.close(); // the peer is gone; its kernel answers our next bytes with a reset
    co_await pair.server.second.wait_closed();
    const std::string chunk(64 * 1024, 'x');
    for (int i = 0; i < 1000; ++i) { // sooner or later send() fails with EPIPE: no signal, an error
      pair.client.second.write(chunk);
      try {
        co_await pair.client.second.drain();
      } catch (const aio::ConnectionResetError& error) {
        pair.client.second.close();
        co_return std::string("drain: ") + error.what();
      }
      co_await aio::sleep(0s);
    }
    co_return "the writes never failed";
  };
  CHECK_THAT(run_io(body()), Catch::Matchers::StartsWith("drain: Connection lost"));
}
