// start_server and Server: handlers per client, errors in handlers, closing while handlers run,
// serve_forever, many clients at once, misbehaving clients among good ones, and running out of
// file descriptors.
#include "aio/event.hpp"
#include "aio/gather.hpp"
#include "aio/run.hpp"
#include "aio/server.hpp"
#include "aio/sleep.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"

#include "loopback.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

using aio::Task;
using test10::run_io;
using test10::throws;
using namespace std::chrono_literals;

namespace {

// Echoes lines until the client ends its stream; a client that breaks the protocol (a line
// over the limit) or vanishes (a reset) ends only its own handler.
Task<> echo_lines(aio::StreamReader reader, aio::StreamWriter writer) {
  try {
    while (true) {
      const std::string line = co_await reader.readline();
      if (line.empty()) break;
      writer.write(line);
      co_await writer.drain();
    }
  } catch (const aio::LimitOverrunError&) {
    writer.write("ERROR line too long\n");
  } catch (const aio::ConnectionResetError&) {}
  writer.close();
  co_await writer.wait_closed();
}

// Sends `count` numbered lines, reads each echo back; returns how many came back intact.
Task<int> echo_client(std::uint16_t port, int id, int count) {
  auto [reader, writer] = co_await aio::open_connection("127.0.0.1", port);
  int intact = 0;
  for (int i = 0; i < count; ++i) {
    const std::string line = "client " + std::to_string(id) + " message " + std::to_string(i) + "\n";
    writer.write(line);
    co_await writer.drain();
    if (co_await reader.readline() == line) ++intact;
  }
  writer.close();
  co_await writer.wait_closed();
  co_return intact;
}

std::string seconds_now() { return aio::seconds_text(aio::EventLoop::get_running_loop().time().time_since_epoch()); }

} // namespace

AIO_TEST_CASE("Server: port 0 picks a free port and each client gets a handler with its own streams",
              "[ch10][server][asyncio]") {
  const auto main = []() -> Task<std::vector<std::string>> {
    std::vector<std::string> got;
    const auto hello = [&](aio::StreamReader reader, aio::StreamWriter writer) -> Task<> {
      const std::string name = co_await reader.readline();
      got.push_back("server: " + name.substr(0, name.size() - 1) + " from " + writer.peername().host);
      writer.write("hello " + name);
      writer.close();
    };
    aio::Server server = co_await aio::start_server(hello, "127.0.0.1", 0);
    const aio::Address address = server.sockets().at(0);
    CHECK(address.host == "127.0.0.1");
    CHECK(address.port != 0);
    CHECK(server.is_serving());
    for (const char* name : {"ada", "grace"}) {
      auto [reader, writer] = co_await aio::open_connection("127.0.0.1", address.port);
      CHECK(writer.peername() == address);
      CHECK(writer.sockname().host == "127.0.0.1");
      writer.write(std::string(name) + "\n");
      got.push_back("client: " + co_await reader.read());
      writer.close();
    }
    server.close();
    CHECK_FALSE(server.is_serving());
    CHECK(server.sockets().empty());
    co_await server.wait_closed();
    co_return got;
  };
  CHECK(run_io(main()) == std::vector<std::string>{"server: ada from 127.0.0.1", "client: hello ada\n",
                                                   "server: grace from 127.0.0.1", "client: hello grace\n"});
}

AIO_TEST_CASE("Server: a handler's exception goes to the loop's exception handler, and its client sees the end",
              "[ch10][server][asyncio]") {
  std::vector<std::string> handled;
  const auto main = []() -> Task<std::string> {
    const auto failing = [](aio::StreamReader reader, aio::StreamWriter) -> Task<> {
      (void)co_await reader.readline();
      throw std::runtime_error("the handler broke");
    };
    aio::Server server = co_await aio::start_server(failing, "127.0.0.1", 0);
    auto [reader, writer] = co_await aio::open_connection("127.0.0.1", server.sockets().at(0).port);
    writer.write("hi\n");
    const std::string rest = co_await reader.read(); // closed by the server after the failure
    writer.close();
    server.close();
    co_await server.wait_closed();
    co_return rest.empty() ? "the end of the stream" : rest;
  };
  aio::EpollSelector selector;
  const std::string seen = aio::run(
      main(), {.selector = &selector, .on_exception = [&](aio::EventLoop&, const aio::ExceptionContext& context) {
                 handled.push_back(context.message + ": " + aio::message_of(context.error));
               }});
  CHECK(seen == "the end of the stream");
  REQUIRE(handled.size() == 1);
  CHECK_THAT(handled[0], Catch::Matchers::StartsWith("unhandled exception in the client handler") &&
                             Catch::Matchers::EndsWith(": the handler broke"));
}

AIO_TEST_CASE("Server: close() while handlers run: no new client gets in, the running ones finish, wait_closed() "
              "waits for them",
              "[ch10][server][asyncio]") {
  aio::VirtualClock clock;
  const auto main = []() -> Task<std::vector<std::string>> {
    std::vector<std::string> got;
    const auto slow = [&](aio::StreamReader, aio::StreamWriter writer) -> Task<> {
      co_await aio::sleep(5s);
      writer.write("done after 5 s");
      writer.close();
      got.push_back("handler finished");
    };
    aio::Server server = co_await aio::start_server(slow, "127.0.0.1", 0);
    const std::uint16_t port = server.sockets().at(0).port;
    auto [reader, writer] = co_await aio::open_connection("127.0.0.1", port);
    co_await aio::sleep(1s);
    CHECK(server.connections() == 1);
    server.close();
    const std::string refused = co_await throws<aio::ConnectionRefusedError>(aio::open_connection("127.0.0.1", port));
    got.push_back(refused.starts_with("threw") ? "a new client is refused" : refused);
    co_await server.wait_closed(); // the handler still had 4 s to go
    got.push_back("wait_closed returned at " +
                  aio::seconds_text(aio::EventLoop::get_running_loop().time().time_since_epoch()));
    got.push_back(co_await reader.read());
    writer.close();
    co_return got;
  };
  CHECK(run_io(main(), clock) == std::vector<std::string>{"a new client is refused", "handler finished",
                                                          "wait_closed returned at 5.00 s", "done after 5 s"});
}

AIO_TEST_CASE("Server: close_clients() ends every client's stream: a graceful shutdown", "[ch10][server]") {
  const auto main = []() -> Task<std::vector<int>> {
    std::vector<int> lines_seen;
    const auto counting = [&](aio::StreamReader reader, aio::StreamWriter writer) -> Task<> {
      int lines = 0;
      while (!(co_await reader.readline()).empty()) ++lines; // until close_clients() ends the stream
      lines_seen.push_back(lines);
      writer.close();
    };
    aio::Server server = co_await aio::start_server(counting, "127.0.0.1", 0);
    std::vector<aio::Streams> clients;
    for (int i = 0; i < 3; ++i) {
      clients.push_back(co_await aio::open_connection("127.0.0.1", server.sockets().at(0).port));
      clients.back().second.write("one\ntwo\n");
    }
    while (server.connections() < 3) co_await aio::sleep(0s);
    co_await aio::sleep(10ms);
    server.close();
    server.close_clients();
    co_await server.wait_closed();
    for (auto& [reader, writer] : clients) writer.close();
    co_return lines_seen;
  };
  CHECK(run_io(main()) == std::vector<int>{2, 2, 2});
}

AIO_TEST_CASE(
    "Server: serve_forever() returns once the server is closed, and cancelled it closes it and ends cancelled",
    "[ch10][server][asyncio]") {
  aio::VirtualClock clock;
  const auto main = []() -> Task<std::vector<std::string>> {
    std::vector<std::string> got;
    const auto nothing = [](aio::StreamReader, aio::StreamWriter writer) -> Task<> {
      writer.close();
      co_return;
    };
    aio::Server first = co_await aio::start_server(nothing, "127.0.0.1", 0);
    Task<> serving = aio::create_task(first.serve_forever());
    co_await aio::sleep(1s);
    first.close();
    co_await serving;
    got.push_back(serving.cancelled() ? "cancelled" : "returned after close()");

    aio::Server second = co_await aio::start_server(nothing, "127.0.0.1", 0);
    Task<> forever = aio::create_task(second.serve_forever());
    co_await aio::sleep(1s);
    forever.cancel();
    try {
      co_await forever;
    } catch (const aio::CancelledError&) {
      got.push_back("cancelled");
    }
    got.push_back(second.is_serving() ? "still serving" : "closed");
    co_return got;
  };
  CHECK(run_io(main(), clock) == std::vector<std::string>{"returned after close()", "cancelled", "closed"});
}

AIO_TEST_CASE("Server: 1,000 clients at once, 100 messages each: every byte comes back to its sender",
              "[ch10][server][load]") {
  test10::ScopedFileLimit files(4096); // a client and a server end per connection
  REQUIRE(files.granted() >= 2100);
  const auto main = []() -> Task<std::vector<int>> {
    aio::Server server = co_await aio::start_server(echo_lines, "127.0.0.1", 0, {.backlog = 1024});
    std::vector<Task<int>> clients;
    for (int id = 0; id < 1000; ++id) clients.push_back(echo_client(server.sockets().at(0).port, id, 100));
    std::vector<int> intact = co_await aio::gather(std::move(clients));
    server.close();
    co_await server.wait_closed();
    co_return intact;
  };
  CHECK(run_io(main()) == std::vector<int>(1000, 100));
}

AIO_TEST_CASE("Server: 200 clients send garbage, overlong lines, half a line, or reset, and the 50 others lose nothing",
              "[ch10][server][faults]") {
  const auto main = []() -> Task<std::vector<int>> {
    aio::Server server = co_await aio::start_server(echo_lines, "127.0.0.1", 0, {.backlog = 512});
    const std::uint16_t port = server.sockets().at(0).port;
    const auto misbehave = [](std::uint16_t to, int kind) -> Task<> {
      test10::RawSocket raw(to);
      switch (kind % 4) {
      case 0: raw.send(std::string(3000, '\x7f') + "\x01\x02"); break; // garbage without a line end
      case 1: raw.send(std::string(70 * 1024, 'x')); break;            // a line over the limit
      case 2: raw.send("half a li"); break;                            // then gone, mid-line
      default: break;                                                  // connects, says nothing
      }
      co_await aio::sleep(std::chrono::milliseconds(kind % 7)); // they vanish at different moments
      if (kind % 2 == 0) {
        raw.reset(); // RST: the server's read fails with ECONNRESET
      } else {
        raw.close();
      }
    };
    std::vector<Task<>> bad;
    for (int i = 0; i < 200; ++i) bad.push_back(aio::create_task(misbehave(port, i)));
    std::vector<Task<int>> good;
    for (int id = 0; id < 50; ++id) good.push_back(echo_client(port, id, 20));
    std::vector<int> intact = co_await aio::gather(std::move(good));
    for (Task<>& task : bad) co_await task;
    CHECK(server.is_serving());
    const int after = co_await echo_client(port, 999, 3); // and it still serves
    CHECK(after == 3);
    server.close();
    co_await server.wait_closed();
    co_return intact;
  };
  CHECK(run_io(main()) == std::vector<int>(50, 20));
}

AIO_TEST_CASE("Server: out of file descriptors (EMFILE), it says so, keeps its clients queued, and accepts again "
              "a second later",
              "[ch10][server][faults]") {
#if AIO_UBSAN_VPTR
  // UBSan's vptr check reads memory through a pipe the first time it meets a type: in a process
  // with no file descriptor left, it fails and reports a false error. This test runs in every
  // other build (dev, clang, release, tsan); under the asan preset it cannot.
  WARN("not run under UBSan's vptr check, which needs file descriptors itself");
  return;
#endif
  aio::VirtualClock clock;
  std::vector<std::string> handled;
  std::optional<test10::ScopedFileLimit> no_more_files;
  aio::EpollSelector selector;
  const auto main = [&]() -> Task<std::vector<std::string>> {
    aio::Server server = co_await aio::start_server(echo_lines, "127.0.0.1", 0);
    const std::uint16_t port = server.sockets().at(0).port;
    // One client served normally first.
    const int warm = co_await echo_client(port, 0, 1);
    // Three clients connect: the kernel completes their handshakes and queues them ...
    std::vector<aio::Streams> clients;
    for (int i = 0; i < 3; ++i) {
      test10::RawSocket raw(port);
      const int fd = raw.release();
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
      clients.push_back(aio::detail::make_streams(selector, fd, aio::StreamReader::default_limit));
      clients.back().second.write("are you there?\n");
    }
    // ... and the process may open no more files: the server's accept() fails with EMFILE. The
    // exception handler below frees them again; the server retries one second after the failure.
    const int lowest_free = ::dup(0);
    ::close(lowest_free);
    no_more_files.emplace(static_cast<rlim_t>(lowest_free));
    std::vector<std::string> got{std::to_string(warm) + " warm-up answer"};
    co_await aio::sleep(500ms);
    got.push_back(std::to_string(server.connections()) + " clients accepted after 0.5 s");
    for (auto& [reader, writer] : clients) got.push_back(co_await reader.readline());
    got.push_back("answered at " + seconds_now());
    for (auto& [reader, writer] : clients) writer.close();
    server.close();
    co_await server.wait_closed();
    co_return got;
  };
  const auto on_exception = [&](aio::EventLoop&, const aio::ExceptionContext& context) {
    handled.push_back(context.message);
    no_more_files.reset(); // an operator frees some descriptors
  };
  const std::vector<std::string> got =
      aio::run(main(), {.clock = &clock, .selector = &selector, .on_exception = on_exception});
  CHECK(got == std::vector<std::string>{"1 warm-up answer", "0 clients accepted after 0.5 s", "are you there?\n",
                                        "are you there?\n", "are you there?\n", "answered at 1.00 s"});
  REQUIRE(handled.size() == 1);
  CHECK_THAT(handled[0], Catch::Matchers::StartsWith("socket.accept() out of system resource: Too many open files"));
}

AIO_TEST_CASE("Server: close_clients() under a handler that is writing: its writes are dropped and drain() says the "
              "connection is lost, as if the client had gone",
              "[ch10][server]") {
  aio::VirtualClock clock;
  const auto main = []() -> Task<std::vector<std::string>> {
    std::vector<std::string> got;
    const auto ticking = [&](aio::StreamReader, aio::StreamWriter writer) -> Task<> {
      for (int i = 0; i < 1000; ++i) {
        writer.write("tick\n"); // after close_clients(): dropped, without an error
        try {
          co_await writer.drain();
        } catch (const aio::ConnectionResetError& error) {
          got.push_back(std::string("handler: ") + error.what());
          co_return;
        }
        co_await aio::sleep(10ms);
      }
    };
    aio::Server server = co_await aio::start_server(ticking, "127.0.0.1", 0);
    auto [reader, writer] = co_await aio::open_connection("127.0.0.1", server.sockets().at(0).port);
    got.push_back("client: " + co_await reader.readline());
    server.close();
    server.close_clients();
    co_await server.wait_closed();
    while (!(co_await reader.readline()).empty()) {} // any ticks sent before the close, then the end
    got.push_back("client: the end of the stream");
    writer.close();
    co_return got;
  };
  const std::vector<std::string> got = run_io(main(), clock);
  REQUIRE(got.size() == 3);
  CHECK(got[0] == "client: tick\n");
  CHECK_THAT(got[1], Catch::Matchers::StartsWith("handler: Connection lost"));
  CHECK(got[2] == "client: the end of the stream");
}
