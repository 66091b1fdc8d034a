// The epoll selector behind chapter 03's seam: sources, wake-ups from other threads, timeouts
// that never end early, a batch of events handled before any task runs, fd numbers reused,
// signals, and what is left open when a loop ends.
#include "aio/epoll_selector.hpp"
#include "aio/event.hpp"
#include "aio/run.hpp"
#include "aio/server.hpp"
#include "aio/sleep.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"

#include "loopback.hpp"
#include "pair.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

using aio::Task;
using test10::run_io;
using namespace std::chrono_literals;

namespace {

// A socketpair whose first end is watched by `selector`; the test writes the second.
struct WatchedPair {
  explicit WatchedPair(aio::EpollSelector& selector) : watch(selector, make(other)) {}
  ~WatchedPair() { ::close(other); }
  static int make(int& other) {
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, ends) != 0)
      throw std::runtime_error("socketpair");
    other = ends[1];
    return ends[0];
  }
  int other = -1;
  aio::IoWatch watch;
};

Task<> wait_readable(aio::IoWatch& watch) { co_await aio::readable(watch); }

} // namespace

AIO_TEST_CASE("EpollSelector: has_sources() is true only while a task waits on an fd", "[ch10][selector]") {
  aio::EpollSelector selector;
  WatchedPair pair(selector);
  pair.watch.not_readable(); // as after a read that said EAGAIN
  const auto main = [&]() -> Task<> {
    CHECK_FALSE(selector.has_sources()); // registered, but nobody waits: not a source
    Task<> waiting = aio::create_task(wait_readable(pair.watch));
    co_await aio::sleep(0s);
    CHECK(selector.has_sources());
    CHECK(waiting.cancel()); // a cancelled wait leaves at once
    co_await aio::sleep(0s);
    CHECK(waiting.cancelled());
    CHECK_FALSE(selector.has_sources());
    Task<> again = aio::create_task(wait_readable(pair.watch));
    co_await aio::sleep(0s);
    REQUIRE(::write(pair.other, "x", 1) == 1);
    co_await again; // the event woke it
    CHECK_FALSE(selector.has_sources());
  };
  aio::run(main(), {.selector = &selector});
}

AIO_TEST_CASE("EpollSelector: an open connection nobody reads is no reason to wait: a deadlock is reported",
              "[ch10][selector][pitfalls]") {
  aio::testing::RecordingSink sink;
  aio::ScopedSink scoped(sink);
  const auto main = []() -> Task<> {
    test10::Pair pair = co_await test10::tcp_pair();
    aio::Event never;
    co_await never.wait(); // nothing waits on the sockets, and nothing will set it
  };
  CHECK_THROWS_WITH(run_io(main()), Catch::Matchers::Contains("deadlock"));
  CHECK(sink.count(aio::Pitfall::deadlock) == 1);
}

AIO_TEST_CASE("EpollSelector: a loop asleep in epoll_wait wakes for call_soon_threadsafe",
              "[ch10][selector][threads]") {
  aio::EpollSelector selector;
  WatchedPair pair(selector); // something to wait for, so the loop sleeps without a timeout
  pair.watch.not_readable();
  const auto main = [&]() -> Task<std::string> {
    aio::EventLoop& loop = aio::EventLoop::get_running_loop();
    Task<> waiting = aio::create_task(wait_readable(pair.watch));
    aio::Event done;
    std::string from;
    aio::EventLoop::WorkGuard work(loop); // counted before the thread starts
    std::thread sender([&loop, &done, &from, work = std::move(work)]() mutable {
      loop.call_soon_threadsafe([&] {
        from = "another thread";
        done.set();
      });
      work.reset();
    });
    co_await done.wait();
    sender.join();
    waiting.cancel();
    co_await aio::sleep(0s); // it ends, cancelled
    CHECK(waiting.cancelled());
    co_return from;
  };
  CHECK(aio::run(main(), {.selector = &selector}) == "another thread");
  CHECK(selector.waits() >= 1);
}

AIO_TEST_CASE("EpollSelector: a timer's wait is rounded up, never down: it does not end early", "[ch10][selector]") {
  const auto main = []() -> Task<std::chrono::nanoseconds> {
    test10::Pair pair = co_await test10::tcp_pair(); // a source: the loop waits in epoll_wait
    Task<std::string> reading = aio::create_task(test10::read_exactly(pair.client.first, 1));
    const auto start = std::chrono::steady_clock::now();
    co_await aio::sleep(1500us); // 1.5 ms: epoll_wait's 1 ms steps would end it at 1 ms if rounded down
    const auto took = std::chrono::steady_clock::now() - start;
    reading.cancel();
    co_await aio::sleep(0s);
    CHECK(reading.cancelled());
    co_return took;
  };
  CHECK(run_io(main()) >= 1500us);
}

AIO_TEST_CASE("EpollSelector: one select() handles a whole batch: 20 readers ready at once all run in the same pass",
              "[ch10][selector]") {
  aio::EpollSelector selector;
  std::vector<std::unique_ptr<WatchedPair>> pairs;
  for (int i = 0; i < 20; ++i) {
    pairs.push_back(std::make_unique<WatchedPair>(selector));
    pairs.back()->watch.not_readable();
  }
  const auto main = [&]() -> Task<std::vector<int>> {
    std::vector<int> passes;
    int pass = 0;
    const auto reader = [&](aio::IoWatch& watch) -> Task<> {
      co_await aio::readable(watch);
      passes.push_back(pass);
    };
    std::vector<Task<>> readers;
    for (auto& pair : pairs) readers.push_back(aio::create_task(reader(pair->watch)));
    co_await aio::sleep(0s);
    for (auto& pair : pairs) REQUIRE(::write(pair->other, "x", 1) == 1);
    pass = 1;
    const std::uint64_t before = selector.waits();
    for (Task<>& task : readers) co_await task;
    CHECK(selector.waits() - before <= 2); // one epoll_wait brought all 20
    co_return passes;
  };
  const std::vector<int> passes = aio::run(main(), {.selector = &selector});
  CHECK(passes == std::vector<int>(20, 1));
}

AIO_TEST_CASE("EpollSelector: a closed socket leaves the epoll set first, so its reused fd number works",
              "[ch10][selector]") {
  const auto main = []() -> Task<std::vector<std::string>> {
    std::vector<std::string> got;
    int first_fd = -1;
    {
      test10::Pair pair = co_await test10::tcp_pair();
      first_fd = pair.client.second.fd();
      pair.client.second.close();
      pair.server.second.close();
    }
    test10::Pair again = co_await test10::tcp_pair(); // the kernel hands out the lowest free numbers
    got.push_back(again.client.second.fd() <= first_fd + 2 ? "a reused number" : "a new number");
    again.server.second.write("still works\n");
    got.push_back(co_await again.client.first.readline());
    again.client.second.close();
    again.server.second.close();
    co_return got;
  };
  CHECK(run_io(main()) == std::vector<std::string>{"a reused number", "still works\n"});
}

AIO_TEST_CASE("EpollSelector: 1,000 echo round trips cost one epoll_wait per hop, nothing more",
              "[ch10][selector][counts]") {
  const auto main = []() -> Task<std::uint64_t> {
    test10::Pair pair = co_await test10::tcp_pair();
    auto& selector = aio::EpollSelector::of_running_loop("the test");
    const auto echo = [&]() -> Task<> {
      char buffer[64];
      while (const std::size_t n = co_await pair.server.first.read_into(buffer)) {
        pair.server.second.write({buffer, n});
        co_await pair.server.second.drain();
      }
      pair.server.second.close();
    };
    Task<> server = aio::create_task(echo());
    const std::string message(64, 'm');
    char buffer[64];
    const std::uint64_t before = selector.waits();
    for (int i = 0; i < 1000; ++i) {
      pair.client.second.write(message);
      co_await pair.client.second.drain();
      std::size_t got = 0;
      while (got < message.size()) got += co_await pair.client.first.read_into({buffer + got, message.size() - got});
    }
    const std::uint64_t waits = selector.waits() - before;
    pair.client.second.close();
    co_await server;
    co_return waits;
  };
  const std::uint64_t waits = run_io(main());
  CHECK(waits >= 1000); // the data has to come through the kernel: at least one wait per round trip
  CHECK(waits <= 2000); // and no more than one per hop (client to server, server to client)
}

AIO_TEST_CASE("EpollSelector: a signal handler runs on the loop, and removing it restores the process's own",
              "[ch10][selector][signals]") {
  const auto main = []() -> Task<std::vector<std::string>> {
    auto& selector = aio::EpollSelector::of_running_loop("the test");
    std::vector<std::string> got;
    aio::Event stop;
    selector.add_signal_handler(SIGUSR1, [&] {
      got.push_back("SIGUSR1 on the loop's thread");
      stop.set();
    });
    ::kill(::getpid(), SIGUSR1);
    co_await stop.wait(); // a handler is a source: the loop waits for the signal
    got.push_back(selector.remove_signal_handler(SIGUSR1) ? "removed" : "not there");
    got.push_back(selector.remove_signal_handler(SIGUSR1) ? "removed" : "not there");
    struct sigaction now {};
    ::sigaction(SIGUSR1, nullptr, &now);
    got.push_back(now.sa_handler == SIG_DFL ? "default again" : "still ours");
    co_return got;
  };
  CHECK(run_io(main()) ==
        std::vector<std::string>{"SIGUSR1 on the loop's thread", "removed", "not there", "default again"});
}

AIO_TEST_CASE("EpollSelector: a connection still open when its loop ends is reported", "[ch10][selector][pitfalls]") {
  aio::testing::RecordingSink sink;
  aio::ScopedSink scoped(sink);
  std::optional<aio::Streams> kept; // outlives the loop: nobody closes it
  {
    aio::EpollSelector selector;
    const auto main = [&]() -> Task<> {
      test10::Pair pair = co_await test10::tcp_pair();
      kept.emplace(std::move(pair.client));
      pair.server.second.close();
    };
    aio::run(main(), {.selector = &selector});
  }
  REQUIRE(sink.count(aio::Pitfall::left_open) == 1);
  CHECK_THAT(sink.reports().front().summary,
             Catch::Matchers::Matches("the connection to 127\\.0\\.0\\.1:[0-9]+ was left "
                                      "open when its event loop ended"));
  CHECK(kept->second.fd() == -1); // closed by the selector on its way out
}

AIO_TEST_CASE("EpollSelector: a connection left open with bytes still to send outlives its selector safely",
              "[ch10][selector][pitfalls]") {
  aio::testing::RecordingSink sink;
  aio::ScopedSink scoped(sink);
  std::optional<aio::Streams> kept, peer;                 // both ends outlive the loop; the peer never reads
  auto selector = std::make_unique<aio::EpollSelector>(); // on the heap: a use after free shows
  {
    const auto main = [&]() -> Task<> {
      test10::Pair pair = co_await test10::tcp_pair();
      kept.emplace(std::move(pair.client));
      peer.emplace(std::move(pair.server));
      const int tiny = 4096;
      ::setsockopt(kept->second.fd(), SOL_SOCKET, SO_SNDBUF, &tiny, sizeof tiny);
      ::setsockopt(peer->second.fd(), SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny);
      kept->second.write(std::string(1 << 20, 'x')); // more than the kernel takes: buffered
      CHECK(kept->second.write_buffer_size() > 0);
    };
    aio::run(main(), {.selector = selector.get()});
  }
  selector.reset(); // the selector goes first; the connections, destroyed below, must not touch it
  CHECK(sink.count(aio::Pitfall::left_open) == 2);
  kept.reset();
  peer.reset();
}
