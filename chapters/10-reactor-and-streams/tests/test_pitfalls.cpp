// Chapter 10's pitfalls, as the runtime reports them: a writer that never drains, a blocking
// socket call on the loop's thread (named by the watchdog with the call it waits in).
#include "aio/run.hpp"
#include "aio/server.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"

#include "loopback.hpp"
#include "pair.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

#include <sys/socket.h>
#include <unistd.h>

using aio::Task;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

// [undrained]
Task<> flood(aio::StreamWriter& writer) {
  const std::string chunk(64 * 1024, 'x');
  for (int i = 0; i < 64; ++i) writer.write(chunk); // 4 MiB, and never a co_await writer.drain()
  co_return;
}
// [undrained]

} // namespace

TEST_CASE("Pitfall: a writer that never drains is reported once its buffer passes 1 MiB", "[ch10][pitfalls]") {
  aio::testing::RecordingSink sink;
  aio::ScopedSink scoped(sink);
  const auto main = []() -> Task<> {
    test10::Pair pair = co_await test10::tcp_pair(); // the peer's reader never reads
    const int tiny = 4096;
    ::setsockopt(pair.client.second.fd(), SOL_SOCKET, SO_SNDBUF, &tiny, sizeof tiny);
    co_await flood(pair.client.second);
    pair.client.second.close();
    pair.server.second.close();
  };
  test10::run_io(main());
  REQUIRE(sink.count(aio::Pitfall::unbounded_buffer) == 1); // once per connection, not once per write
  const aio::PitfallReport report = sink.reports().front();
  CHECK_THAT(report.summary,
             Contains("the write buffer of the connection to 127.0.0.1:") && Contains("the writer never waits for it"));
  CHECK_THAT(report.fix, Contains("co_await writer.drain()"));
}

TEST_CASE("Pitfall: a blocking recv() in a coroutine: the watchdog names the call and the stream fix",
          "[ch10][pitfalls][watchdog]") {
  aio::testing::AwaitableSink sink;
  aio::ScopedSink scoped(sink);
  aio::testing::ScopedStall stall(100ms, nullptr);
  int ends[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) == 0); // blocking, as a learner's own socket
  std::string seen;
  ssize_t sent = 0;
  std::thread rescuer([&] { // once the report is out, send the byte the blocked call waits for
    seen = sink.wait_for("and still is", 5s);
    sent = ::write(ends[1], "!", 1); // (checked after join: Catch's checks are not thread-safe)
  });
  const auto blocking_read = [](int fd) -> Task<char> {
    char byte = 0;
    ::recv(fd, &byte, 1, 0); // the mistake: every other task waits while this thread does
    co_return byte;
  };
  CHECK(test10::run_io(blocking_read(ends[0])) == '!');
  rescuer.join();
  CHECK(sent == 1);
  ::close(ends[0]);
  ::close(ends[1]);
  CHECK_THAT(seen, Contains("and still is: its thread waits in recvfrom(), a blocking call"));
  bool fixed = false;
  for (const aio::PitfallReport& report : sink.reports())
    fixed = fixed || report.fix.find("chapter 10's streams, co_await reader.read(...)") != std::string::npos;
  CHECK(fixed);
}
