// Chapter 12's demos print what the lesson shows, against the local servers.
#include "demos.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <string>

using aio::testing::output_of;
using Catch::Matchers::Contains;
using Catch::Matchers::Matches;

AIO_TEST_CASE("Demo scraper: the seeds' URLs at once, a result or an error each, in the time of the slowest",
              "[ch12][demos][seeds]") {
  const std::string out = output_of([] { aio::demos::scraper(0.2); });
  CHECK_THAT(out, Contains("/delay/0.20, status: 200, length: 10}\n") &&
                      Contains("/delay/0.40, status: 200, length: 10}\n") &&
                      Contains("/status/404, status: 404, length: 10}\n") &&
                      Contains("{url: http://127.0.0.1:1/nobody-listens, error: cannot connect to 127.0.0.1:1"));
  CHECK_THAT(out, Contains("4 URLs in 0.4") && Contains("the slowest (0.40 s), not the sum"));
}

AIO_TEST_CASE("Demo three_gets: three pages and their sizes", "[ch12][demos][seeds]") {
  const std::string out = output_of([] { aio::demos::three_gets(); });
  CHECK_THAT(out, Contains("/index.html: 1027 bytes") && Contains("/big.txt: 262144 bytes (sent gzip'd and chunked") &&
                      Contains("/site/0.html: "));
}

AIO_TEST_CASE("Demo pool_limits: the seeds' 50 requests through limit_per_host=10, as the server counted them",
              "[ch12][demos][seeds][pool]") {
  const std::string out = output_of([] { aio::demos::pool_limits(50, 0.05); });
  for (const char* host : {"127.0.0.1", "127.0.0.2", "127.0.0.3"})
    CHECK_THAT(out, Contains(std::string("| ") + host) &&
                        Matches("(.|\n)*" + std::string(host) + " \\| +1[67] \\| +10 \\| +10 \\| +10 \\|(.|\n)*"));
  CHECK_THAT(out, Contains("the session's pool: 30 connections open, 30 idle"));
}

AIO_TEST_CASE("Demo crawler: every page of the site, the redirects followed through the queue, the broken link found",
              "[ch12][demos]") {
  const std::string out = output_of([] { aio::demos::crawler(5); });
  CHECK_THAT(out, Contains("404 http://127.0.0.1:") && Contains("/site/missing.html"));
  CHECK_THAT(out, Contains("35 URLs: 31 pages, 3 redirects, 1 broken, 5 workers") &&
                      Matches("(.|\n)*fetching at once\\) over [1-5] kept-alive connections(.|\n)*"));
}

TEST_CASE("Demo unread_body: the dropped response is reported, the read one's connection kept",
          "[ch12][demos][pitfalls]") {
  aio::testing::RecordingSink sink;
  aio::ScopedSink scoped(sink);
  const std::string out = output_of([] { aio::demos::unread_body(); });
  CHECK_THAT(out, Contains("body never read\nopen connections: 0\n") &&
                      Contains("body read\nopen connections: 1 (idle, ready for the next request)\n"));
  REQUIRE(sink.count(aio::Pitfall::unread_body) == 1);
  CHECK_THAT(sink.reports().front().fix, Contains("response.release()"));
}
