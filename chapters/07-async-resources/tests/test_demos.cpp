// Chapter 07's demos in virtual time: the seeds' scenarios, with their exact output and timings.
#include "demos.hpp"

#include "aio/clock.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

using aio::VirtualClock;
using aio::testing::CaptureStdout;
using aio::testing::demo_output;

AIO_TEST_CASE("query_database: opened, used and closed, the result out at 0.40 s", "[ch07][demo]") {
  CHECK(demo_output(aio::demos::query_database) == "Opening connection\n"
                                                   "Using connection: {dsn: postgresql://localhost, connected: true}\n"
                                                   "Closing connection\n"
                                                   "Result: 10 rows, connection closed at 0.40 s\n");
}

AIO_TEST_CASE("every_exit: a failed query and a timed-out query both close the connection first", "[ch07][demo]") {
  VirtualClock clock;
  CaptureStdout out;
  aio::demos::every_exit(clock);
  CHECK(out.text() == "Opening connection\n"
                      "Closing connection\n"
                      "query failed: syntax error at or near \"SELEC\", after the close, at 0.40 s\n"
                      "Opening connection\n"
                      "Closing connection\n"
                      "query timed out: cancelled at 1.00 s, closed, given up at 1.10 s\n");
}

AIO_TEST_CASE("async_range: Number 1 to 4, one every 0.10 s", "[ch07][demo]") {
  CHECK(demo_output(aio::demos::async_range) ==
        "Number: 1 at 0.10 s\nNumber: 2 at 0.20 s\nNumber: 3 at 0.30 s\nNumber: 4 at 0.40 s\n");
}

AIO_TEST_CASE("fetch_pages: three pages of five items, then the generator's cleanup", "[ch07][demo]") {
  CHECK(demo_output(aio::demos::fetch_pages) == "Page 1: 5 items from https://api.example.com/items?page=1\n"
                                                "Page 2: 5 items from https://api.example.com/items?page=2\n"
                                                "Page 3: 5 items from https://api.example.com/items?page=3\n"
                                                "fetch_pages: stopped after page 3\n");
}

AIO_TEST_CASE("early_exit: two pages of ten, the generator cleaned up at the break, nothing more fetched",
              "[ch07][demo]") {
  CHECK(demo_output(aio::demos::early_exit) == "Page 1 at 0.20 s\n"
                                               "Page 2 at 0.40 s\n"
                                               "fetch_pages: stopped after page 2\n"
                                               "done at 0.40 s, 8 pages never fetched\n");
}
