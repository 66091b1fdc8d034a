// A blocking HTTP client called from a coroutine (what libcurl's curl_easy_perform or a
// system("curl ...") does) holds the loop for the whole request: chapter 09's report names the
// coroutine, and the fix is this chapter's ClientSession.
#include "servers.hpp"

#include "aio/task.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

using aio::Task;
using aio::demos::LocalServers;
using Catch::Matchers::Contains;
using test12::run_io;

namespace {

// A blocking fetch, as a C library would do it: the whole request on the loop's thread.
Task<int> fetch_blocking(std::string url) {
  const std::string command =
      "/usr/bin/python3 -c \"import urllib.request; urllib.request.urlopen('" + url + "').read()\"";
  co_return std::system(command.c_str());
}

} // namespace

TEST_CASE("Pitfall: a blocking HTTP call in a coroutine is reported as a blocked loop, by name", "[ch12][pitfalls]") {
  LocalServers servers;
  aio::testing::RecordingSink sink;
  aio::ScopedSink scoped(sink);
  const int status = run_io(fetch_blocking(servers.app("/delay/0.3")));
  CHECK(status == 0);
  REQUIRE(sink.count(aio::Pitfall::blocked_loop) == 1);
  CHECK_THAT(sink.reports().front().summary, Contains("the loop was blocked for") && Contains("'fetch_blocking'"));
}
