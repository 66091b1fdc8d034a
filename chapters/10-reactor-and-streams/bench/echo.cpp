// ch10_bench: TCP echo on loopback, 64-byte messages, 1 and 50 connections: round trips per
// second for this chapter's runtime, Python's asyncio, uvloop and Boost.Asio, each as an echo
// server in its own process, all driven by the same client (this runtime's, in this process).
// Runs are interleaved (aio, asyncio, uvloop, Asio, aio, ...) and the median of 3 is printed,
// with the load average: wall-clock figures on a shared machine move, so only figures from one
// run compare. Then the counts that do not move: system calls per round trip in each server
// (strace -c -f, the difference between a short and a long run, so start-up cancels out) and
// heap allocations per round trip in ours (a counting operator new).
//
// `ch10_bench --server` is this runtime's echo server; the bench starts it like the others.
// A program that prints figures, not a test.
#include "aio/epoll_selector.hpp"
#include "aio/gather.hpp"
#include "aio/run.hpp"
#include "aio/server.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

// --- allocations, counted ------------------------------------------------------------------

// (Not under a sanitizer: ThreadSanitizer and AddressSanitizer bring their own operator new.)
#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define AIO_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef AIO_COUNT_ALLOCATIONS
#define AIO_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<unsigned long> allocations{0};
}

#if AIO_COUNT_ALLOCATIONS
// (Not inlined: GCC would then see malloc's pointer reach free() through delete, and warn.)
[[gnu::noinline]] void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace {

using namespace std::chrono_literals;

constexpr std::size_t message_size = 64;

// --- the servers ---------------------------------------------------------------------------

// [echo-server]
aio::Task<> echo(aio::StreamReader reader, aio::StreamWriter writer) {
  char buffer[64 * 1024];
  while (const std::size_t n = co_await reader.read_into(buffer)) { // 0: the client closed
    writer.write({buffer, n});
    co_await writer.drain();
  }
  writer.close();
}
// [echo-server]

// This runtime's server: prints its port; SIGUSR1 prints the allocations so far; the end of
// stdin ends it.
aio::Task<> serve() {
  aio::Server server = co_await aio::start_server(echo, "127.0.0.1", 0, {.backlog = 512});
  std::printf("%u\n", static_cast<unsigned>(server.sockets().at(0).port));
  std::fflush(stdout);
  auto& selector = aio::EpollSelector::of_running_loop("ch10_bench");
  selector.add_signal_handler(SIGUSR1, [] {
    std::printf("%lu\n", allocations.load());
    std::fflush(stdout);
  });
  const int in = ::dup(0);
  ::fcntl(in, F_SETFL, ::fcntl(in, F_GETFL) | O_NONBLOCK);
  auto [input, unused] = aio::detail::make_streams(selector, in, 1024);
  (void)co_await input.read(); // until the bench closes our stdin
  unused.close();
  selector.remove_signal_handler(SIGUSR1);
  server.close();
  server.close_clients();
  co_await server.wait_closed();
}

constexpr const char* python_server = R"(
import asyncio, os, sys, threading
if len(sys.argv) > 1 and sys.argv[1] == 'uvloop':
    import uvloop
    uvloop.install()
async def echo(reader, writer):
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    writer.close()
async def main():
    server = await asyncio.start_server(echo, '127.0.0.1', 0, backlog=512)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()
threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
asyncio.run(main())
)";

struct System {
  std::string name;
  std::vector<std::string> argv; // how to start its echo server
};

// A server process: its stdin and stdout are sockets of ours (our server reads its stdin as a
// stream: a socket).
class Process {
public:
  explicit Process(std::vector<std::string> argv) {
    int in[2], out[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0 ||
        ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, out) != 0)
      std::abort();
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    ::posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    std::vector<char*> args;
    for (std::string& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    if (::posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) {
      std::fprintf(stderr, "ch10_bench: cannot start %s\n", args[0]);
      std::exit(1);
    }
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    in_ = in[1];
    out_ = out[0];
  }
  ~Process() { stop(); }
  /// One line of its output (blocking: the bench's own thread, no loop is running).
  std::string line() const {
    std::string got;
    char c;
    while (::read(out_, &c, 1) == 1 && c != '\n') got += c;
    return got;
  }
  void signal(int signum) const { ::kill(pid_, signum); }
  /// The CPU time it has used so far, user and system (from /proc/<pid>/stat).
  std::chrono::duration<double> cpu() const { return cpu_in(true); }
  /// The part of it spent in the kernel.
  std::chrono::duration<double> kernel_cpu() const { return cpu_in(false); }

private:
  std::chrono::duration<double> cpu_in(bool user_too) const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2)); // after "pid (name) "
    std::string field;
    double user = 0, system = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14) user = std::stod(field);
      if (i == 15) system = std::stod(field);
    }
    if (!user_too) user = 0;
    return std::chrono::duration<double>((user + system) / static_cast<double>(::sysconf(_SC_CLK_TCK)));
  }

public:
  /// Ends its stdin, and waits for it to exit.
  void stop() {
    if (pid_ <= 0) return;
    ::close(in_);
    ::waitpid(pid_, nullptr, 0);
    ::close(out_);
    pid_ = -1;
  }

private:
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
};

// --- the client ----------------------------------------------------------------------------

// One connection's ping-pong: a message out, the same bytes back, until `deadline` or `count`.
aio::Task<long> pinger(std::uint16_t port, std::chrono::steady_clock::time_point deadline, long count) {
  auto [reader, writer] = co_await aio::open_connection("127.0.0.1", port);
  const std::string message(message_size, 'm');
  char buffer[message_size];
  long trips = 0;
  while (trips < count && std::chrono::steady_clock::now() < deadline) {
    writer.write(message);
    co_await writer.drain();
    std::size_t got = 0;
    while (got < message_size) {
      const std::size_t n = co_await reader.read_into({buffer + got, message_size - got});
      if (n == 0) co_return trips;
      got += n;
    }
    ++trips;
  }
  writer.close();
  co_await writer.wait_closed();
  co_return trips;
}

aio::Task<long> load(std::uint16_t port, int connections, std::chrono::nanoseconds duration, long count) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  std::vector<aio::Task<long>> clients;
  for (int i = 0; i < connections; ++i) clients.push_back(pinger(port, deadline, count));
  long total = 0;
  for (long trips : co_await aio::gather(std::move(clients))) total += trips;
  co_return total;
}

long drive(std::uint16_t port, int connections, std::chrono::nanoseconds duration, long count = LONG_MAX) {
  aio::EpollSelector selector;
  return aio::run(load(port, connections, duration, count), {.selector = &selector});
}

// One server's figures: round trips per second, and the server's own CPU time per round trip
// (the client is the same for every server, and may be the one that limits the rate: the CPU
// time says what each server costs, whoever is the bottleneck).
struct Figures {
  double per_second;
  double cpu_us;
  double kernel_us;
};
Figures measure(const System& system, int connections) {
  Process server(system.argv);
  const auto port = static_cast<std::uint16_t>(std::stoi(server.line()));
  drive(port, connections, 300ms); // a warm-up
  const auto cpu_before = server.cpu();
  const auto kernel_before = server.kernel_cpu();
  const auto start = std::chrono::steady_clock::now();
  const long trips = drive(port, connections, 2s);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = (server.cpu() - cpu_before).count();
  const double kernel = (server.kernel_cpu() - kernel_before).count();
  return {static_cast<double>(trips) / seconds, cpu * 1e6 / static_cast<double>(trips),
          kernel * 1e6 / static_cast<double>(trips)};
}

// System calls one server makes in its whole life while serving `trips` round trips.
long syscalls_for(const System& system, long trips) {
  const std::string summary = "/tmp/ch10_bench_strace_" + std::to_string(::getpid()) + ".txt";
  std::vector<std::string> argv{"strace", "-f", "-c", "-o", summary};
  argv.insert(argv.end(), system.argv.begin(), system.argv.end());
  {
    Process server(argv);
    const auto port = static_cast<std::uint16_t>(std::stoi(server.line()));
    drive(port, 1, 60s, trips);
  }
  std::ifstream in(summary);
  std::string line, last;
  while (std::getline(in, line))
    if (line.find("total") != std::string::npos) last = line;
  std::remove(summary.c_str());
  std::istringstream fields(last); // "100.00    0.123456   1   123456   12   total"
  double percent = 0, seconds = 0;
  long usecs = 0, calls = 0;
  fields >> percent >> seconds >> usecs >> calls;
  return calls;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

bool exists(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

// Builds the Asio server next to this program, if Boost's headers are there and it is stale.
std::optional<std::string> build_asio(const std::string& self) {
  const std::string source = AIO_BENCH_SOURCE_DIR "/asio_echo.cpp";
  const std::string binary = self.substr(0, self.rfind('/') + 1) + "asio_echo";
  if (::access("/usr/include/boost/asio.hpp", R_OK) != 0) return std::nullopt;
  struct stat src {
  }, bin{};
  if (::stat(binary.c_str(), &bin) == 0 && ::stat(source.c_str(), &src) == 0 && bin.st_mtime >= src.st_mtime)
    return binary;
  std::fprintf(stderr, "ch10_bench: building the Asio echo server ...\n");
  const std::string command = "c++ -std=c++20 -O2 -DNDEBUG -o '" + binary + "' '" + source + "' -pthread";
  if (std::system(command.c_str()) != 0) return std::nullopt;
  return binary;
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--server") == 0) {
    aio::set_debug_checks(false); // a server in production: no step timing
    aio::EpollSelector selector;
    aio::run(serve(), {.selector = &selector});
    return 0;
  }
  aio::set_debug_checks(false);
  std::signal(SIGPIPE, SIG_IGN);
  const std::string self = ::realpath("/proc/self/exe", nullptr);
  std::vector<System> systems{{"aio", {self, "--server"}}};
  const bool python = exists("/usr/bin/python3");
  if (python) systems.push_back({"asyncio", {"/usr/bin/python3", "-c", python_server}});
  if (python && ::access("/usr/lib/python3/dist-packages/uvloop/__init__.py", R_OK) == 0)
    systems.push_back({"uvloop", {"/usr/bin/python3", "-c", python_server, "uvloop"}});
  if (const auto asio = build_asio(self)) systems.push_back({"Asio", {*asio}});

  double load_average[3] = {};
  ::getloadavg(load_average, 3);
  std::printf("TCP echo on 127.0.0.1, %zu-byte messages, this runtime's client against each server\n", message_size);
  std::printf("(interleaved runs of 2 s, median of 3; load average %.2f %.2f %.2f: wall-clock figures move with the\n"
              " machine's load, so compare only the columns of one run)\n\n",
              load_average[0], load_average[1], load_average[2]);
  std::printf("%-36s", "round trips per second (higher is better)");
  for (const System& system : systems) std::printf(" %12s", system.name.c_str());
  std::printf("\n");
  std::vector<std::string> cpu_rows;
  for (const int connections : {1, 50}) {
    std::vector<std::vector<double>> rates(systems.size()), cpus(systems.size()), kernels(systems.size());
    for (int round = 0; round < 3; ++round)
      for (std::size_t i = 0; i < systems.size(); ++i) {
        const Figures figures = measure(systems[i], connections);
        rates[i].push_back(figures.per_second);
        cpus[i].push_back(figures.cpu_us);
        kernels[i].push_back(figures.kernel_us);
      }
    const std::string label = std::to_string(connections) + (connections == 1 ? " connection" : " connections");
    const std::string short_label = std::to_string(connections) + (connections == 1 ? " conn." : " conns.");
    std::printf("%-36s", label.c_str());
    for (auto& figures : rates) std::printf(" %12.0f", median(figures));
    std::printf("\n");
    char row[256];
    int at = std::snprintf(row, sizeof row, "%-36s", ("server CPU us, " + short_label).c_str());
    for (auto& figures : cpus)
      at += std::snprintf(row + at, sizeof row - static_cast<std::size_t>(at), " %12.2f", median(figures));
    cpu_rows.push_back(row);
    at = std::snprintf(row, sizeof row, "%-36s", ("  of which in the kernel, " + short_label).c_str());
    for (auto& figures : kernels)
      at += std::snprintf(row + at, sizeof row - static_cast<std::size_t>(at), " %12.2f", median(figures));
    cpu_rows.push_back(row);
  }

  std::printf("\n%-36s", "per round trip (lower is better)");
  for (const System& system : systems) std::printf(" %12s", system.name.c_str());
  std::printf("\n");
  for (const std::string& row : cpu_rows) std::printf("%s\n", row.c_str());
  std::printf("%-36s", "system calls in the server");
  const bool strace = exists("/usr/bin/strace");
  for (const System& system : systems) {
    if (!strace) {
      std::printf(" %12s", "-");
      continue;
    }
    const long few = syscalls_for(system, 2'000), many = syscalls_for(system, 22'000);
    std::printf(" %12.2f", static_cast<double>(many - few) / 20'000.0);
  }
  std::printf("\n%-36s", "heap allocations in the server");
  if (!AIO_COUNT_ALLOCATIONS) {
    std::printf(" %12s (not counted in a sanitizer build)", "-");
  } else {
    Process server(systems[0].argv);
    const auto port = static_cast<std::uint16_t>(std::stoi(server.line()));
    drive(port, 1, 60s, 1'000); // steady state first
    server.signal(SIGUSR1);
    const long before = std::stol(server.line());
    drive(port, 1, 60s, 20'000);
    server.signal(SIGUSR1);
    const long after = std::stol(server.line());
    // Each drive() is a new connection: its streams are a few allocations, spread over 20,000.
    std::printf(" %12.3f", static_cast<double>(after - before) / 20'000.0);
    for (std::size_t i = 1; i < systems.size(); ++i) std::printf(" %12s", "-");
  }
  std::printf("\n%s", strace ? "" : "(install strace for the system-call counts)\n");
  if (systems.size() < 4)
    std::printf("\n(some systems are missing: ./course bench 10 installs python3-uvloop and libboost-dev)\n");
  return 0;
}
