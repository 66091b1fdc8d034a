// The process pool: jobs run in other processes (this same program, started again), their
// results come back; a job that throws; a worker killed mid-job breaks the pool.
#include "aio/epoll_selector.hpp"
#include "aio/gather.hpp"
#include "aio/process_pool.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"

#include "io.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

using aio::Task;
using Catch::Matchers::Contains;
using test11::run_io;
using namespace std::chrono_literals;

namespace {

// The seeds' CPU-bound job: the sum of i*i for i < n, which passes 2^64 for n = 10,000,000.
unsigned __int128 sum_of_squares(long long n) {
  unsigned __int128 sum = 0;
  for (long long i = 0; i < n; ++i) sum += static_cast<unsigned __int128>(i) * static_cast<unsigned __int128>(i);
  return sum;
}

int process_id(int) { return static_cast<int>(::getpid()); }

int fails(int n) { throw std::domain_error("no square root of " + std::to_string(n)); }

int stuck(int) {
  ::pause(); // until a signal ends the process
  return 0;
}

} // namespace

AIO_TEST_CASE("ProcessPool: a job runs in another process, and its 128-bit result comes back",
              "[ch11][process_pool][seeds]") {
  const auto main = []() -> Task<> {
    aio::ProcessPool pool(2);
    const int worker = co_await aio::run_in_executor(pool, &process_id, 0);
    CHECK(worker != static_cast<int>(::getpid()));
    const unsigned __int128 sum = co_await aio::run_in_executor(pool, &sum_of_squares, 1'000'000LL);
    CHECK(sum == sum_of_squares(1'000'000)); // 333332833333500000
    CHECK(pool.running() == 2);
  };
  run_io(main());
}

AIO_TEST_CASE("ProcessPool: more jobs than workers queue, and all come back in order", "[ch11][process_pool]") {
  const auto main = []() -> Task<> {
    aio::ProcessPool pool(2);
    std::vector<Task<unsigned __int128>> jobs;
    for (long long n = 0; n < 8; ++n) jobs.push_back(aio::run_in_executor(pool, &sum_of_squares, n));
    const std::vector<unsigned __int128> sums = co_await aio::gather(std::move(jobs));
    for (long long n = 0; n < 8; ++n) CHECK(sums[static_cast<std::size_t>(n)] == sum_of_squares(n));
  };
  run_io(main());
}

AIO_TEST_CASE("ProcessPool: what a job throws comes back as a ProcessJobError with its type and message",
              "[ch11][process_pool][errors]") {
  const auto main = []() -> Task<> {
    aio::ProcessPool pool(1);
    std::string what;
    try {
      (void)co_await aio::run_in_executor(pool, &fails, -4);
    } catch (const aio::ProcessJobError& error) {
      what = error.what();
    }
    CHECK_THAT(what, Contains("domain_error") && Contains("no square root of -4"));
    const int after = co_await aio::run_in_executor(pool, &process_id, 0); // the worker serves on
    CHECK(after > 0);
  };
  run_io(main());
}

AIO_TEST_CASE("A worker killed mid-job breaks the pool: running and queued jobs fail with BrokenProcessPool",
              "[ch11][process_pool][broken]") {
  const auto main = []() -> Task<> {
    aio::ProcessPool pool(1);
    (void)co_await aio::run_in_executor(pool, &process_id, 0); // started
    Task<int> running = aio::create_task(aio::run_in_executor(pool, &stuck, 0));
    Task<int> queued = aio::create_task(aio::run_in_executor(pool, &process_id, 0));
    co_await aio::sleep(0s); // both submitted: one runs, one waits
    ::kill(pool.pids().at(0), SIGKILL);
    std::vector<std::string> errors;
    for (Task<int>* job : {&running, &queued}) {
      try {
        (void)co_await *job;
      } catch (const aio::BrokenProcessPool& error) {
        errors.push_back(error.what());
      }
    }
    REQUIRE(errors.size() == 2);
    CHECK_THAT(errors[0], Contains("was killed by signal 9") && Contains("the pool is broken"));
    CHECK(pool.broken());
    bool refused = false;
    try {
      (void)co_await aio::run_in_executor(pool, &process_id, 0);
    } catch (const aio::BrokenProcessPool&) {
      refused = true;
    }
    CHECK(refused);
  };
  run_io(main());
}

AIO_TEST_CASE("ProcessPool: a cancelled queued job is never sent, and a cancelled running one is dropped",
              "[ch11][process_pool][cancel]") {
  const auto main = []() -> Task<> {
    aio::ProcessPool pool(1);
    Task<int> running = aio::create_task(aio::run_in_executor(pool, &stuck, 0));
    Task<int> queued = aio::create_task(aio::run_in_executor(pool, &process_id, 0));
    co_await aio::sleep(0s);
    queued.cancel();
    running.cancel();
    co_await aio::sleep(0s);
    CHECK(queued.cancelled());
    CHECK(running.cancelled());
    CHECK_FALSE(pool.broken());
  }; // the pool kills the worker still busy with the job nobody waits for
  run_io(main());
}
