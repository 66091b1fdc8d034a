// ch12_bench: 1,000 GETs of a 1 KiB file from a local nginx, 50 in flight, with this chapter's
// ClientSession, with aiohttp's client (Debian's python3-aiohttp) and with wrk (the C ceiling),
// interleaved in rounds so that the machine's mood falls on all three alike; medians of 3.
#include "local_servers.hpp"

#include "aio/epoll_selector.hpp"
#include "aio/gather.hpp"
#include "aio/http/session.hpp"
#include "aio/run.hpp"
#include "aio/task.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

// Every heap allocation of the process, counted: allocations per request are a figure that
// does not depend on the machine's mood.
static std::atomic<long> allocations{0};
void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

constexpr int requests = 1000;
constexpr int in_flight = 50;

aio::Task<> workers(aio::http::ClientSession& session, const std::string& url) {
  int left = requests;
  const auto worker = [&]() -> aio::Task<> {
    while (left > 0) {
      --left;
      aio::http::Response response = co_await session.get(url);
      co_await response.read();
    }
  };
  std::vector<aio::Task<>> all;
  for (int i = 0; i < in_flight; ++i) all.push_back(worker());
  co_await aio::gather(std::move(all));
}

double allocations_per_request = 0;

double aio_rate(const std::string& url) {
  const auto main = [&url]() -> aio::Task<double> {
    aio::http::ClientSession session({.connector = {.limit = in_flight}});
    co_await workers(session, url); // warm: the connections are made
    const long before = allocations.load();
    const auto start = std::chrono::steady_clock::now();
    co_await workers(session, url);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    allocations_per_request = static_cast<double>(allocations.load() - before) / requests;
    co_await session.close();
    co_return requests / seconds;
  };
  aio::EpollSelector selector;
  return aio::run(main(), {.selector = &selector});
}

// The first number a command prints after `marker`.
double run_for_number(const std::string& command, const char* marker) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return 0;
  std::string out;
  char piece[4096];
  while (std::fgets(piece, sizeof piece, pipe) != nullptr) out += piece;
  ::pclose(pipe);
  const std::size_t at = out.find(marker);
  return at == std::string::npos ? 0 : std::atof(out.c_str() + at + std::string(marker).size());
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

} // namespace

int main() {
  aio::demos::LocalServers servers({.app = false, .nginx = true});
  const std::string url = servers.nginx("/1k.bin");
  const std::string aiohttp = std::string("/usr/bin/python3 ") + AIO_CH12_BENCH "/clients/aiohttp_get.py " + url + " " +
                              std::to_string(requests) + " " + std::to_string(in_flight);
  const std::string wrk = "/usr/bin/wrk -t1 -c" + std::to_string(in_flight) + " -d2s " + url;
  std::vector<double> ours, theirs, ceiling;
  for (int round = 0; round < 3; ++round) {
    ours.push_back(aio_rate(url));
    theirs.push_back(run_for_number(aiohttp, ""));
    ceiling.push_back(run_for_number(wrk, "Requests/sec:"));
  }
  std::printf("%d GETs of a 1 KiB file from nginx, %d in flight, median of 3 (requests/s, higher is better)\n",
              requests, in_flight);
  std::printf("| client                       | requests/s |\n|------------------------------|------------|\n");
  std::printf("| aio::http::ClientSession     | %10.0f |\n", median(ours));
  std::printf("| aiohttp 3.8 (python3)        | %10.0f |\n", median(theirs));
  std::printf("| wrk -t1 (C, the ceiling)     | %10.0f |\n", median(ceiling));
  std::printf("heap allocations per request (aio, pool warm, the 1 KiB body included): %.1f\n",
              allocations_per_request);
  std::printf("aio / aiohttp: %.1fx, wrk / aio: %.1fx\n", median(ours) / std::max(1.0, median(theirs)),
              median(ceiling) / std::max(1.0, median(ours)));
}
