// Chapter 10's demos: the seeds' pizza server with a client that orders ten at once, an echo
// server, a line protocol. Every server listens on a free port of 127.0.0.1 and stops by itself.
#include "demos.hpp"

#include "aio/epoll_selector.hpp"
#include "aio/gather.hpp"
#include "aio/run.hpp"
#include "aio/server.hpp"
#include "aio/sleep.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"

#include <chrono>
#include <csignal>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace std::chrono_literals;

namespace aio::demos {
namespace {

// Time since the loop's clock was at `start`, as "2.00 s".
std::string since(TimePoint start) { return seconds_text(EventLoop::get_running_loop().time() - start); }

// [pizza-server]
Task<> handle_client(StreamReader reader, StreamWriter writer) {
  std::cout << "Connection from " << writer.peername().host << '\n';
  const std::string order = co_await reader.read(1024);
  std::cout << "Order received: " << order << '\n';
  co_await sleep(2s); // baking: the other clients are served meanwhile
  writer.write("Here's your pizza!");
  co_await writer.drain();
  writer.close();
  co_await writer.wait_closed();
}
// [pizza-server]

// [pizza-client]
Task<std::string> order_pizza(std::uint16_t port, int number) {
  auto [reader, writer] = co_await open_connection("127.0.0.1", port);
  writer.write("pizza #" + std::to_string(number));
  co_await writer.drain();
  std::string pizza = co_await reader.read(); // everything, until the server closes
  writer.close();
  co_await writer.wait_closed();
  co_return pizza;
}
// [pizza-client]

// [pizza-main]
Task<> pizza_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  Server server = co_await start_server(handle_client, "127.0.0.1", 0); // 0: any free port
  const std::uint16_t port = server.sockets().at(0).port;
  std::cout << "Pizza server running on 127.0.0.1 (a free port)\n";

  // Ctrl-C sends SIGINT: the server stops accepting, closes its clients, and serve_forever returns.
  EpollSelector& selector = EpollSelector::of_running_loop("the pizza demo");
  selector.add_signal_handler(SIGINT, [&server] {
    std::cout << "SIGINT: closing the server (" << server.connections() << " clients still connected)\n";
    server.close();
    server.close_clients();
  });
  Task<> serving = create_task(server.serve_forever());

  std::vector<Task<std::string>> orders;
  for (int number = 1; number <= 10; ++number) orders.push_back(order_pizza(port, number));
  const std::vector<std::string> pizzas = co_await gather(std::move(orders));
  std::cout << pizzas.size() << " pizzas (\"" << pizzas.front() << "\") arrived after " << since(start)
            << ", not 20 s: each one baked while the others did\n";

  ::kill(::getpid(), SIGINT); // as if someone pressed Ctrl-C
  co_await serving;
  co_await server.wait_closed();
  selector.remove_signal_handler(SIGINT);
  std::cout << "Server closed after " << since(start) << ", " << server.connections() << " connections left\n";
}
// [pizza-main]

// [echo]
Task<> echo_client(StreamReader reader, StreamWriter writer) {
  while (true) {
    const std::string line = co_await reader.readline();
    if (line.empty()) break; // the client closed its end
    writer.write(line);
    co_await writer.drain();
  }
  writer.close();
}

Task<> echo_main() {
  Server server = co_await start_server(echo_client, "127.0.0.1", 0);
  auto [reader, writer] = co_await open_connection("127.0.0.1", server.sockets().at(0).port);
  for (const char* line : {"hello\n", "asyncio in C++\n", "bye\n"}) {
    writer.write(line);
    co_await writer.drain();
    std::cout << "echoed: " << co_await reader.readline();
  }
  writer.write_eof(); // "no more from me": the server's readline() returns ""
  const std::string rest = co_await reader.read();
  std::cout << "the server closed its end too (" << rest.size() << " more bytes)\n";
  writer.close();
  server.close();
  co_await server.wait_closed();
}
// [echo]

// [line-protocol]
// One command per line: "ADD 2 3" -> "5", "UPPER text" -> "TEXT", "QUIT" -> "BYE", then close.
std::string answer(const std::string& line) {
  std::istringstream words(line);
  std::string command;
  words >> command;
  if (command == "ADD") {
    long a = 0, b = 0;
    if (words >> a >> b) return std::to_string(a + b);
    return "ERROR ADD takes two numbers";
  }
  if (command == "UPPER") {
    std::string rest;
    std::getline(words >> std::ws, rest);
    for (char& c : rest) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return rest;
  }
  return "ERROR unknown command '" + command + "'";
}

Task<> command_client(StreamReader reader, StreamWriter writer) {
  while (true) {
    std::string line = co_await reader.readline();
    if (line.empty()) break;
    if (line.back() == '\n') line.pop_back();
    if (line == "QUIT") {
      writer.write("BYE\n");
      break;
    }
    writer.write(answer(line) + "\n");
    co_await writer.drain();
  }
  writer.close();
  co_await writer.wait_closed();
}

Task<> line_protocol_main() {
  Server server = co_await start_server(command_client, "127.0.0.1", 0);
  auto [reader, writer] = co_await open_connection("127.0.0.1", server.sockets().at(0).port);
  for (const char* command : {"ADD 2 3", "UPPER streams have lines", "FLY", "QUIT"}) {
    writer.write(std::string(command) + "\n");
    co_await writer.drain();
    std::cout << command << " -> " << co_await reader.readline();
  }
  std::cout << "at the end of the stream: " << std::boolalpha << (co_await reader.read()).empty() << '\n';
  writer.close();
  server.close();
  co_await server.wait_closed();
}
// [line-protocol]

void run_on(Task<> main, Clock& clock) {
  EpollSelector selector;
  run(std::move(main), {.clock = &clock, .selector = &selector});
}

} // namespace

void pizza(Clock& clock) { run_on(pizza_main(), clock); }
void echo(Clock& clock) { run_on(echo_main(), clock); }
void line_protocol(Clock& clock) { run_on(line_protocol_main(), clock); }

} // namespace aio::demos
