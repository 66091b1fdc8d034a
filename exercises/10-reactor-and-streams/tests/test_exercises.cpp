// Chapter 10 exercises. Compiled twice: against your files in exercises/10-reactor-and-streams/
// (what ./course grade 10 runs) and against the reference answers in solutions/. Every test
// talks over real sockets on 127.0.0.1, on an aio::EpollSelector, under the pitfall guard;
// where time matters it runs on a VirtualClock, so every time checked is exact.
#include "kv_server.hpp"
#include "port_check.hpp"
#include "proxy.hpp"

#include "aio/epoll_selector.hpp"
#include "aio/event.hpp"
#include "aio/gather.hpp"
#include "aio/run.hpp"
#include "aio/server.hpp"
#include "aio/sleep.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/socket.h>

using aio::Task;
using namespace std::chrono_literals;

namespace {

template <class T>
T run_io(Task<T> main, aio::Clock& clock = aio::steady_clock()) {
  aio::EpollSelector selector;
  return aio::run(std::move(main), {.clock = &clock, .selector = &selector});
}

// Sends each line of `lines` and reads one answer line for each.
Task<std::vector<std::string>> ask(aio::Streams& client, std::vector<std::string> lines) {
  std::vector<std::string> answers;
  for (const std::string& line : lines) {
    client.second.write(line + "\n");
    co_await client.second.drain();
    answers.push_back(co_await client.first.readline());
  }
  co_return answers;
}

// A server whose handler runs serve_kv on one shared store.
Task<aio::Server> kv_server(Store& store) {
  co_return co_await aio::start_server(
      [&store](aio::StreamReader reader, aio::StreamWriter writer) {
        return serve_kv(std::move(reader), std::move(writer), store);
      },
      "127.0.0.1", 0);
}

// What is left of the stream once the server has closed it: "" at its end. A server that
// closes a socket with bytes still unread in it makes the kernel send a reset instead of an end
// of stream (TCP's rule, which asyncio's clients see too): that counts as the end here.
Task<std::string> until_end(aio::StreamReader& reader) {
  try {
    co_return co_await reader.read();
  } catch (const aio::ConnectionResetError&) {
    co_return "";
  }
}

std::string seconds_now() { return aio::seconds_text(aio::EventLoop::get_running_loop().time().time_since_epoch()); }

// 0, 1, 2, ... 250, 0, 1, ...: a lost, doubled or swapped byte shows.
std::string pattern(std::size_t n, std::size_t from = 0) {
  std::string bytes(n, '\0');
  for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<char>((from + i) % 251);
  return bytes;
}

} // namespace

// --- 10.1 ---------------------------------------------------------------------------------

AIO_TEST_CASE("10.1 serve_kv: SET, GET, DEL, an unknown command and QUIT, each answered on its line", "[ex10.1]") {
  const auto main = []() -> Task<std::vector<std::string>> {
    Store store;
    aio::Server server = co_await kv_server(store);
    aio::Streams client = co_await aio::open_connection("127.0.0.1", server.sockets().at(0).port);
    const std::vector<std::string> commands{"SET city Kyoto",
                                            "GET city",
                                            "SET motto  two  spaces ",
                                            "GET motto",
                                            "GET nothing",
                                            "DEL city",
                                            "DEL city",
                                            "FLY away",
                                            "GET",
                                            "QUIT"};
    std::vector<std::string> answers = co_await ask(client, commands);
    answers.push_back(co_await client.first.read()); // after BYE the server closes: the end of the stream
    client.second.close();
    server.close();
    co_await server.wait_closed();
    CHECK(store.count("motto") == 1);
    co_return answers;
  };
  CHECK(run_io(main()) == std::vector<std::string>{"OK\n", "VALUE Kyoto\n", "OK\n", "VALUE  two  spaces \n",
                                                   "NOT_FOUND\n", "DELETED\n", "NOT_FOUND\n", "ERROR unknown command\n",
                                                   "ERROR usage: GET <key>\n", "BYE\n", ""});
}

AIO_TEST_CASE("10.1 serve_kv: two clients share one store, commands sent together are answered in order, CRLF "
              "works",
              "[ex10.1]") {
  const auto main = []() -> Task<std::vector<std::string>> {
    Store store;
    aio::Server server = co_await kv_server(store);
    aio::Streams first = co_await aio::open_connection("127.0.0.1", server.sockets().at(0).port);
    aio::Streams second = co_await aio::open_connection("127.0.0.1", server.sockets().at(0).port);
    first.second.write("SET a 1\r\nSET b 2\nGET a\n"); // three commands in one write
    std::vector<std::string> got;
    for (int i = 0; i < 3; ++i) got.push_back(co_await first.first.readline());
    const std::vector<std::string> second_asks{"GET b", "DEL a"};
    const std::vector<std::string> from_second = co_await ask(second, second_asks);
    got.insert(got.end(), from_second.begin(), from_second.end());
    const std::vector<std::string> first_asks{"GET a"};
    const std::vector<std::string> again = co_await ask(first, first_asks);
    got.insert(got.end(), again.begin(), again.end());
    first.second.close();
    second.second.close();
    server.close();
    co_await server.wait_closed();
    co_return got;
  };
  CHECK(run_io(main()) ==
        std::vector<std::string>{"OK\n", "OK\n", "VALUE 1\n", "VALUE 2\n", "DELETED\n", "NOT_FOUND\n"});
}

AIO_TEST_CASE("10.1 serve_kv: a line over the limit is refused and closes only that client, and a client that ends its "
              "stream ends its handler",
              "[ex10.1]") {
  const auto main = []() -> Task<std::vector<std::string>> {
    Store store;
    aio::Server server = co_await kv_server(store);
    const std::uint16_t port = server.sockets().at(0).port;
    aio::Streams greedy = co_await aio::open_connection("127.0.0.1", port);
    aio::Streams polite = co_await aio::open_connection("127.0.0.1", port);
    std::vector<std::string> got;
    greedy.second.write("SET big " + std::string(200 * 1024, 'x') + "\n");
    got.push_back(co_await greedy.first.readline());
    got.push_back(co_await until_end(greedy.first)); // then closed
    const std::vector<std::string> polite_asks{"SET k v", "GET k"};
    const std::vector<std::string> answers = co_await ask(polite, polite_asks);
    got.insert(got.end(), answers.begin(), answers.end());
    polite.second.write_eof(); // no QUIT: the end of the stream is enough
    got.push_back(co_await polite.first.read());
    server.close();
    co_await server.wait_closed(); // returns only once both handlers have finished
    got.push_back(std::to_string(server.connections()) + " handlers left");
    greedy.second.close();
    polite.second.close();
    co_return got;
  };
  CHECK(run_io(main()) ==
        std::vector<std::string>{"ERROR line too long\n", "", "OK\n", "VALUE v\n", "", "0 handlers left"});
}

// --- 10.2 ---------------------------------------------------------------------------------

AIO_TEST_CASE("10.2 open_ports: the listening ports, in the order asked, and not the closed ones", "[ex10.2]") {
  const auto main = []() -> Task<bool> {
    const auto nothing = [](aio::StreamReader, aio::StreamWriter writer) -> Task<> {
      writer.close();
      co_return;
    };
    std::vector<aio::Server> open;
    std::vector<std::uint16_t> closed;
    for (int i = 0; i < 3; ++i) open.push_back(co_await aio::start_server(nothing, "127.0.0.1", 0));
    for (int i = 0; i < 3; ++i) { // ports that were free a moment ago: nobody listens there now
      aio::Server gone = co_await aio::start_server(nothing, "127.0.0.1", 0);
      closed.push_back(gone.sockets().at(0).port);
    }
    const std::vector<std::uint16_t> asked{
        closed[0], open[2].sockets().at(0).port, closed[1], open[0].sockets().at(0).port, open[1].sockets().at(0).port,
        closed[2]};
    const std::vector<std::uint16_t> found = co_await open_ports("127.0.0.1", asked);
    for (aio::Server& server : open) {
      server.close();
      co_await server.wait_closed();
    }
    co_return found == std::vector<std::uint16_t>{asked[1], asked[3], asked[4]};
  };
  CHECK(run_io(main()));
}

AIO_TEST_CASE("10.2 open_ports: never more than at_once probes in flight: 10 slow connects, 3 at a time, take 4 s",
              "[ex10.2]") {
  aio::VirtualClock clock;
  const auto main = []() -> Task<std::vector<std::string>> {
    int in_flight = 0, most = 0, calls = 0;
    PortCheck check;
    check.at_once = 3;
    check.timeout = 10s;
    check.connect = [&](std::string, std::uint16_t) -> Task<aio::Streams> {
      ++calls;
      most = std::max(most, ++in_flight);
      co_await aio::sleep(1s); // a slow network
      --in_flight;
      throw aio::ConnectionRefusedError(ECONNREFUSED, "connect");
    };
    std::vector<std::uint16_t> ports;
    for (std::uint16_t p = 1; p <= 10; ++p) ports.push_back(p);
    const std::vector<std::uint16_t> found = co_await open_ports("127.0.0.1", ports, check);
    co_return std::vector<std::string>{std::to_string(found.size()) + " open", std::to_string(calls) + " probes",
                                       "at most " + std::to_string(most) + " at once", "done at " + seconds_now()};
  };
  CHECK(run_io(main(), clock) ==
        std::vector<std::string>{"0 open", "10 probes", "at most 3 at once", "done at 4.00 s"});
}

AIO_TEST_CASE("10.2 open_ports: a probe that never answers counts as closed after the timeout, and at_once 0 is "
              "refused",
              "[ex10.2]") {
  aio::VirtualClock clock;
  const auto main = []() -> Task<std::vector<std::string>> {
    const auto nothing = [](aio::StreamReader, aio::StreamWriter writer) -> Task<> {
      writer.close();
      co_return;
    };
    aio::Server real = co_await aio::start_server(nothing, "127.0.0.1", 0);
    const std::uint16_t real_port = real.sockets().at(0).port;
    aio::Event never;
    PortCheck check;
    check.at_once = 5;
    check.timeout = 1500ms;
    check.connect = [&](std::string host, std::uint16_t port) -> Task<aio::Streams> {
      if (port != real_port) co_await never.wait(); // a black hole: no answer, ever
      co_return co_await aio::open_connection(host, port);
    };
    const std::vector<std::uint16_t> asked{1, real_port, 2, 3};
    const std::vector<std::uint16_t> found = co_await open_ports("127.0.0.1", asked, check);
    std::vector<std::string> got{std::to_string(found.size()) + " open", "done at " + seconds_now()};
    got.push_back(!found.empty() && found[0] == real_port ? "the real one" : "not the real one");
    PortCheck none;
    none.at_once = 0;
    try {
      const std::vector<std::uint16_t> one{1};
      (void)co_await open_ports("127.0.0.1", one, none);
      got.push_back("at_once 0 accepted");
    } catch (const std::invalid_argument&) {
      got.push_back("at_once 0 refused");
    }
    real.close();
    co_await real.wait_closed();
    co_return got;
  };
  CHECK(run_io(main(), clock) ==
        std::vector<std::string>{"1 open", "done at 1.50 s", "the real one", "at_once 0 refused"});
}

// --- 10.3 ---------------------------------------------------------------------------------

namespace {

// A proxy listening on 127.0.0.1 in front of `upstream`.
Task<aio::Server> proxy_to(std::uint16_t upstream) {
  co_return co_await aio::start_server(
      [upstream](aio::StreamReader reader, aio::StreamWriter writer) {
        return proxy(std::move(reader), std::move(writer), "127.0.0.1", upstream);
      },
      "127.0.0.1", 0);
}

Task<> close_all(aio::Server& a, aio::Server& b) {
  a.close();
  b.close();
  co_await a.wait_closed();
  co_await b.wait_closed();
}

} // namespace

AIO_TEST_CASE("10.3 proxy: lines go through to the server and its answers come back", "[ex10.3]") {
  const auto main = []() -> Task<std::vector<std::string>> {
    const auto shout = [](aio::StreamReader reader, aio::StreamWriter writer) -> Task<> {
      while (true) {
        std::string line = co_await reader.readline();
        if (line.empty()) break;
        for (char& c : line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        writer.write(line);
        co_await writer.drain();
      }
      writer.close();
    };
    aio::Server upstream = co_await aio::start_server(shout, "127.0.0.1", 0);
    aio::Server front = co_await proxy_to(upstream.sockets().at(0).port);
    aio::Streams client = co_await aio::open_connection("127.0.0.1", front.sockets().at(0).port);
    const std::vector<std::string> lines{"hello", "through a proxy"};
    std::vector<std::string> got = co_await ask(client, lines);
    client.second.write_eof();
    got.push_back(co_await client.first.read()); // the server closed: so did the proxy
    client.second.close();
    co_await close_all(front, upstream);
    co_return got;
  };
  CHECK(run_io(main()) == std::vector<std::string>{"HELLO\n", "THROUGH A PROXY\n", ""});
}

AIO_TEST_CASE("10.3 proxy: half-close goes through: the server answers after the client's end of stream", "[ex10.3]") {
  const auto main = []() -> Task<std::vector<std::string>> {
    const auto count = [](aio::StreamReader reader, aio::StreamWriter writer) -> Task<> {
      const std::string all = co_await reader.read(); // until the client's end of stream
      writer.write("got " + std::to_string(all.size()) + " bytes, " +
                   (all == pattern(all.size()) ? "intact" : "damaged") + "\n");
      writer.close();
    };
    aio::Server upstream = co_await aio::start_server(count, "127.0.0.1", 0);
    aio::Server front = co_await proxy_to(upstream.sockets().at(0).port);
    aio::Streams client = co_await aio::open_connection("127.0.0.1", front.sockets().at(0).port);
    client.second.write(pattern(1 << 20));
    co_await client.second.drain();
    client.second.write_eof(); // "that is all": the answer must still come back
    std::vector<std::string> got;
    got.push_back(co_await client.first.readline());
    got.push_back(co_await client.first.read());
    client.second.close();
    co_await close_all(front, upstream);
    co_return got;
  };
  CHECK(run_io(main()) == std::vector<std::string>{"got 1048576 bytes, intact\n", ""});
}

AIO_TEST_CASE("10.3 proxy: a slow client: 16 MiB arrive intact and the proxy never piles them up (back-pressure)",
              "[ex10.3]") {
  aio::VirtualClock clock;
  const auto main = []() -> Task<std::string> {
    constexpr std::size_t chunk = 64 * 1024, total = 16 * 1024 * 1024;
    const auto firehose = [](aio::StreamReader, aio::StreamWriter writer) -> Task<> {
      const int small = 64 * 1024; // the kernel holds little: drain() waits soon, and often
      ::setsockopt(writer.fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
      for (std::size_t sent = 0; sent < total; sent += chunk) {
        writer.write(pattern(chunk, sent));
        co_await writer.drain();
      }
      writer.close();
      co_await writer.wait_closed();
    };
    aio::Server upstream = co_await aio::start_server(firehose, "127.0.0.1", 0);
    aio::Server front = co_await proxy_to(upstream.sockets().at(0).port);
    aio::Streams client = co_await aio::open_connection("127.0.0.1", front.sockets().at(0).port);
    const int small = 16 * 1024; // a small window: the proxy's writes to the client soon wait
    ::setsockopt(client.second.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    std::size_t got = 0;
    bool intact = true;
    while (true) {
      const std::string part = co_await client.first.read(chunk);
      if (part.empty()) break;
      intact = intact && part == pattern(part.size(), got);
      got += part.size();
      co_await aio::sleep(1ms); // a slow client
    }
    client.second.close();
    co_await close_all(front, upstream);
    co_return std::to_string(got) + (intact ? " bytes, intact" : " bytes, damaged");
  };
  CHECK(run_io(main(), clock) == "16777216 bytes, intact");
}

AIO_TEST_CASE("10.3 proxy: nobody listens upstream: the client's connection is closed at once", "[ex10.3]") {
  const auto main = []() -> Task<std::string> {
    std::uint16_t nowhere = 0;
    {
      const auto nothing = [](aio::StreamReader, aio::StreamWriter) -> Task<> { co_return; };
      aio::Server gone = co_await aio::start_server(nothing, "127.0.0.1", 0);
      nowhere = gone.sockets().at(0).port;
    }
    aio::Server front = co_await proxy_to(nowhere);
    aio::Streams client = co_await aio::open_connection("127.0.0.1", front.sockets().at(0).port);
    client.second.write("anyone?\n");
    const std::string answer = co_await until_end(client.first);
    client.second.close();
    front.close();
    co_await front.wait_closed();
    co_return answer.empty() ? "closed" : answer;
  };
  CHECK(run_io(main()) == "closed");
}
