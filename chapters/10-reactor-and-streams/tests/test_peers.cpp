// Real peers that nobody here wrote: Python's asyncio (Debian's /usr/bin/python3) as a client of
// our servers and as a server for our client, and socat piping a terminal's bytes to our echo
// server. Each peer is a child process whose stdin and stdout are streams of the test's loop.
#include "aio/epoll_selector.hpp"
#include "aio/event.hpp"
#include "aio/run.hpp"
#include "aio/server.hpp"
#include "aio/sleep.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"
#include "aio/timeout.hpp"

#include "aio/testing/guard.hpp"

#include "loopback.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using aio::Task;
using test10::run_io;
using namespace std::chrono_literals;

namespace {

// A child process whose stdin and stdout are this loop's streams.
class Peer {
public:
  Peer(aio::EpollSelector& selector, std::vector<std::string> argv) {
    int in[2], out[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0 ||
        ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, out) != 0)
      throw std::runtime_error("socketpair");
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, in[1], 0); // (dup2 clears close-on-exec)
    ::posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    std::vector<char*> args;
    for (std::string& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    const int failed = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(in[1]);
    ::close(out[1]);
    if (failed != 0) {
      ::close(in[0]);
      ::close(out[0]);
      throw std::runtime_error("cannot start " + argv[0]);
    }
    for (int fd : {in[0], out[0]}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    stdin_.emplace(aio::detail::make_streams(selector, in[0], aio::StreamReader::default_limit));
    stdout_.emplace(aio::detail::make_streams(selector, out[0], aio::StreamReader::default_limit));
  }
  ~Peer() {
    if (pid_ > 0) { // still running: the test failed early
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  aio::StreamWriter& input() { return stdin_->second; }
  aio::StreamReader& output() { return stdout_->first; }
  /// Waits for it to exit, through a pidfd (readable once the process has ended); its status.
  Task<int> wait() {
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd < 0) throw std::system_error(errno, std::generic_category(), "pidfd_open");
    aio::IoWatch exited(aio::EpollSelector::of_running_loop("Peer::wait"), pidfd);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) != pid_) {
      exited.not_readable();
      co_await aio::readable(exited);
    }
    pid_ = -1;
    stdin_->second.close();
    stdout_->second.close();
    co_return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

private:
  pid_t pid_ = -1;
  std::optional<aio::Streams> stdin_;
  std::optional<aio::Streams> stdout_;
};

// A read as a task of its own, for wait_for.
template <class Read>
Task<std::string> as_task(Read read) {
  co_return co_await std::move(read);
}

Peer python(aio::EpollSelector& selector, const std::string& script, std::vector<std::string> args = {}) {
  std::vector<std::string> argv{"/usr/bin/python3", "-c", script};
  argv.insert(argv.end(), args.begin(), args.end());
  return Peer(selector, std::move(argv));
}

// The seeds' pizza handler, with a server that bakes every order only once `batch` have come in:
// a client that ordered one at a time would never get its first pizza (the test would time out).
struct Kitchen {
  explicit Kitchen(int batch) : batch(batch) {}
  int batch;
  int orders = 0;
  aio::Event full;
  Task<> handle(aio::StreamReader reader, aio::StreamWriter writer) {
    const std::string order = co_await reader.read(1024);
    if (++orders == batch) full.set();
    co_await full.wait();
    writer.write("Here's your pizza! (" + order + ")");
    co_await writer.drain();
    writer.close();
    co_await writer.wait_closed();
  }
};

constexpr const char* python_orders = R"(
import asyncio, sys
async def order(port, n):
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    writer.write(f'order {n}'.encode())
    await writer.drain()
    pizza = await reader.read()
    writer.close()
    await writer.wait_closed()
    return pizza.decode()
async def main(port, count):
    for pizza in await asyncio.gather(*(order(port, n) for n in range(count))):
        print(pizza)
asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
)";

} // namespace

AIO_TEST_CASE("Peers: Python's asyncio client orders 10 pizzas at once from our server, and gets all 10",
              "[ch10][peers]") {
  aio::EpollSelector selector;
  const auto main = [&]() -> Task<std::vector<std::string>> {
    Kitchen kitchen(10);
    const auto handle = [&](aio::StreamReader reader, aio::StreamWriter writer) {
      return kitchen.handle(std::move(reader), std::move(writer));
    };
    aio::Server server = co_await aio::start_server(handle, "127.0.0.1", 0);
    Peer client = python(selector, python_orders, {std::to_string(server.sockets().at(0).port), "10"});
    std::vector<std::string> pizzas;
    co_await aio::wait_for(
        [&]() -> Task<> {
          while (true) {
            std::string line = co_await client.output().readline();
            if (line.empty()) break;
            pizzas.push_back(line);
          }
        }(),
        20s);
    const int status = co_await client.wait();
    CHECK(status == 0);
    server.close();
    co_await server.wait_closed();
    co_return pizzas;
  };
  std::vector<std::string> expected;
  for (int n = 0; n < 10; ++n) expected.push_back("Here's your pizza! (order " + std::to_string(n) + ")\n");
  CHECK(aio::run(main(), {.selector = &selector}) == expected);
}

AIO_TEST_CASE("Peers: our client talks to a Python asyncio server", "[ch10][peers]") {
  constexpr const char* server_script = R"(
import asyncio
async def main():
    done = asyncio.Event()
    async def handle(reader, writer):
        while line := await reader.readline():
            writer.write(line.upper())
            await writer.drain()
        writer.close()
        await writer.wait_closed()
        done.set()
    server = await asyncio.start_server(handle, '127.0.0.1', 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await done.wait()
asyncio.run(main())
)";
  aio::EpollSelector selector;
  const auto main = [&]() -> Task<std::vector<std::string>> {
    Peer peer = python(selector, server_script);
    const std::string port = co_await aio::wait_for(as_task(peer.output().readline()), 20s);
    REQUIRE(!port.empty());
    auto [reader, writer] = co_await aio::open_connection("127.0.0.1", static_cast<std::uint16_t>(std::stoi(port)));
    std::vector<std::string> got;
    for (const char* line : {"hello from c++\n", "a second line\n"}) {
      writer.write(line);
      co_await writer.drain();
      got.push_back(co_await aio::wait_for(as_task(reader.readline()), 20s));
    }
    writer.write_eof(); // Python's readline() returns b'': it closes, and exits
    got.push_back(co_await aio::wait_for(as_task(reader.read()), 20s));
    writer.close();
    const int status = co_await peer.wait();
    CHECK(status == 0);
    co_return got;
  };
  CHECK(aio::run(main(), {.selector = &selector}) ==
        std::vector<std::string>{"HELLO FROM C++\n", "A SECOND LINE\n", ""});
}

AIO_TEST_CASE("Peers: socat pipes lines to our echo server and prints what comes back", "[ch10][peers]") {
  aio::EpollSelector selector;
  const auto main = [&]() -> Task<std::string> {
    const auto echo = [](aio::StreamReader reader, aio::StreamWriter writer) -> Task<> {
      while (true) {
        const std::string line = co_await reader.readline();
        if (line.empty()) break;
        writer.write(line);
        co_await writer.drain();
      }
      writer.close();
    };
    aio::Server server = co_await aio::start_server(echo, "127.0.0.1", 0);
    Peer socat(selector, {"/usr/bin/socat", "-", "TCP:127.0.0.1:" + std::to_string(server.sockets().at(0).port)});
    socat.input().write("one\ntwo\nthree\n");
    socat.input().write_eof(); // socat half-closes the TCP connection: the server's readline sees the end
    const std::string echoed = co_await aio::wait_for(as_task(socat.output().read()), 20s);
    const int status = co_await socat.wait();
    CHECK(status == 0);
    server.close();
    co_await server.wait_closed();
    co_return echoed;
  };
  CHECK(aio::run(main(), {.selector = &selector}) == "one\ntwo\nthree\n");
}
