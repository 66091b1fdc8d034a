// Chapter 10's demos on a virtual clock, over real sockets: the pizza server's 10 orders take
// exactly 2 s, not 20; the echo and line-protocol demos print what the lesson shows.
#include "demos.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

using aio::testing::output_of;

namespace {
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}
} // namespace

AIO_TEST_CASE("Demo pizza: 10 concurrent orders all arrive after 2.00 s, then SIGINT shuts the server down",
              "[ch10][demos]") {
  aio::VirtualClock clock;
  const std::vector<std::string> lines = lines_of(output_of([&] { aio::demos::pizza(clock); }));
  REQUIRE(lines.size() == 24);
  CHECK(lines.front() == "Pizza server running on 127.0.0.1 (a free port)");
  CHECK(std::count(lines.begin(), lines.end(), "Connection from 127.0.0.1") == 10);
  for (int n = 1; n <= 10; ++n)
    CHECK(std::count(lines.begin(), lines.end(), "Order received: pizza #" + std::to_string(n)) == 1);
  CHECK(lines[21] == "10 pizzas (\"Here's your pizza!\") arrived after 2.00 s, not 20 s: each one baked while the "
                     "others did");
  CHECK(lines[22] == "SIGINT: closing the server (0 clients still connected)");
  CHECK(lines[23] == "Server closed after 2.00 s, 0 connections left");
}

AIO_TEST_CASE("Demo echo: three lines echoed, then both ends close", "[ch10][demos]") {
  aio::VirtualClock clock;
  CHECK(output_of([&] { aio::demos::echo(clock); }) == "echoed: hello\n"
                                                       "echoed: asyncio in C++\n"
                                                       "echoed: bye\n"
                                                       "the server closed its end too (0 more bytes)\n");
}

AIO_TEST_CASE("Demo line_protocol: one readline per command, one line per answer", "[ch10][demos]") {
  aio::VirtualClock clock;
  CHECK(output_of([&] { aio::demos::line_protocol(clock); }) == "ADD 2 3 -> 5\n"
                                                                "UPPER streams have lines -> STREAMS HAVE LINES\n"
                                                                "FLY -> ERROR unknown command 'FLY'\n"
                                                                "QUIT -> BYE\n"
                                                                "at the end of the stream: true\n");
}
