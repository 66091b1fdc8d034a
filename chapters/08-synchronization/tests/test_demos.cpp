// Chapter 08's demos in virtual time: the seeds' scenarios, with their exact output and timings.
#include "demos.hpp"

#include "aio/clock.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <string>

using aio::VirtualClock;
using aio::testing::CaptureStdout;
using aio::testing::demo_output;

AIO_TEST_CASE("counter: 5 workers x 10 increments behind the lock make 50, one increment at a time", "[ch08][demo]") {
  CHECK(demo_output(aio::demos::counter) == "Worker 0 finished at 0.46 s\n"
                                            "Worker 1 finished at 0.47 s\n"
                                            "Worker 2 finished at 0.48 s\n"
                                            "Worker 3 finished at 0.49 s\n"
                                            "Worker 4 finished at 0.50 s\n"
                                            "Final counter value: 50\n");
}

AIO_TEST_CASE("lost_updates: without the lock the workers overwrite each other and 40 updates are lost",
              "[ch08][demo]") {
  CHECK(demo_output(aio::demos::lost_updates) ==
        "Final counter value: 10 after 0.10 s (expected 50: 40 updates lost)\n");
}

AIO_TEST_CASE("rate_limit: 20 calls through Semaphore(3) go three at a time, in order, peak 3", "[ch08][demo]") {
  VirtualClock clock;
  CaptureStdout out;
  aio::demos::rate_limit(clock);
  std::string expected;
  for (int i = 0; i < 20; ++i) {
    const int round = i / 3; // three calls start every 0.50 s
    expected += "Calling https://api.example.com/item/" + std::to_string(i) + " at " + std::to_string(round / 2) + "." +
                (round % 2 == 0 ? "00" : "50") + " s\n";
  }
  expected += "Completed 20 requests in 3.50 s, at most 3 at once\n";
  CHECK(out.text() == expected);
}

AIO_TEST_CASE("hundred_urls: 100 fetches through Semaphore(5) take 20 rounds, results in the order of the URLs",
              "[ch08][demo]") {
  CHECK(demo_output(aio::demos::hundred_urls) == "100 pages in 2.00 s, at most 5 fetches at once\n"
                                                 "first: page of api/item/0, last: page of api/item/99\n");
}

AIO_TEST_CASE("producer_consumer: 10 items through Queue(10), two consumers end on a sentinel, the third is "
              "cancelled after join()",
              "[ch08][demo]") {
  CHECK(demo_output(aio::demos::producer_consumer) ==
        "0.00 s  Producer 0 produced: Item-0-0\n"
        "0.00 s  Producer 1 produced: Item-1-0\n"
        "0.00 s  Consumer 0 processing: Item-0-0\n"
        "0.00 s  Consumer 1 processing: Item-1-0\n"
        "0.10 s  Producer 0 produced: Item-0-1\n"
        "0.10 s  Producer 1 produced: Item-1-1\n"
        "0.10 s  Consumer 2 processing: Item-0-1\n"
        "0.20 s  Consumer 0 processing: Item-1-1\n"
        "0.20 s  Producer 0 produced: Item-0-2\n"
        "0.20 s  Producer 1 produced: Item-1-2\n"
        "0.20 s  Consumer 1 processing: Item-0-2\n"
        "0.30 s  Consumer 2 processing: Item-1-2\n"
        "0.30 s  Producer 0 produced: Item-0-3\n"
        "0.30 s  Producer 1 produced: Item-1-3\n"
        "0.40 s  Consumer 0 processing: Item-0-3\n"
        "0.40 s  Consumer 1 processing: Item-1-3\n"
        "0.40 s  Producer 0 produced: Item-0-4\n"
        "0.40 s  Producer 1 produced: Item-1-4\n"
        "0.50 s  Consumer 2 processing: Item-0-4\n"
        "0.60 s  Consumer 0 processing: Item-1-4\n"
        "0.60 s  Consumer 1 got the sentinel and stops\n"
        "0.70 s  Consumer 2 got the sentinel and stops\n"
        "0.80 s  every item done; cancelling the consumers still waiting\n"
        "0.80 s  Consumer 0 cancelled while waiting for an item\n");
}
