// Chapter 05's demos in virtual time: the seeds' scenarios, with their exact output and timings.
#include "demos.hpp"

#include "aio/clock.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

using aio::testing::demo_output;

AIO_TEST_CASE("fetch_all_users: five users in 0.50 s, in the order asked", "[ch05][demo]") {
  CHECK(demo_output(aio::demos::fetch_all_users) == "Fetched 5 users in 0.50 s: User 1 User 2 User 3 User 4 User 5\n");
}

AIO_TEST_CASE("process_items: the wrapper hides the two failures, gather_settled counts them", "[ch05][demo]") {
  CHECK(demo_output(aio::demos::process_items) == "Error: Item 3 failed\n"
                                                  "Error: Item 6 failed\n"
                                                  "Success: 4, Failed: 0\n"
                                                  "Without the wrapper: Success: 4, Failed: 2\n"
                                                  "  error: Item 3 failed\n"
                                                  "  error: Item 6 failed\n");
}

AIO_TEST_CASE("batches: 25 items in batches of 10, one batch after the other", "[ch05][demo]") {
  CHECK(demo_output(aio::demos::batches) ==
        "Processed batch 1 at 0.10 s: 10 items, Processed: item-1 .. Processed: item-10\n"
        "Processed batch 2 at 0.20 s: 10 items, Processed: item-11 .. Processed: item-20\n"
        "Processed batch 3 at 0.30 s: 5 items, Processed: item-21 .. Processed: item-25\n");
}

AIO_TEST_CASE("gather_surprise: gather throws at 0.10 s, and the slow task still finishes at 1.00 s", "[ch05][demo]") {
  CHECK(demo_output(aio::demos::gather_surprise) ==
        "gather threw at 0.10 s: fails_fast: connection refused\n"
        "main: slow_but_fine is still running; main sleeps 1.5 s\n"
        "slow_but_fine: finished at 1.00 s; nobody will ever read its 42\n");
}

AIO_TEST_CASE("wait_loop: each task handled as it finishes, the failure read", "[ch05][demo]") {
  CHECK(demo_output(aio::demos::wait_loop) == "0.10 s: b done\n"
                                              "0.20 s: failed: c broke\n"
                                              "0.30 s: a done\n");
}

AIO_TEST_CASE("as_completed: the small file first, the big one last", "[ch05][demo]") {
  CHECK(demo_output(aio::demos::as_completed) == "1.00 s: small.txt\n"
                                                 "2.00 s: medium.zip\n"
                                                 "3.00 s: big.iso\n");
}
