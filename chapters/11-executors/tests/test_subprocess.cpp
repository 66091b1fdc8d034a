// Child processes: exit codes, streams both ways, communicate() with more than a pipe holds,
// a child that never ends under wait_for, signals, a program that does not exist.
#include "aio/epoll_selector.hpp"
#include "aio/run.hpp"
#include "aio/subprocess.hpp"
#include "aio/task.hpp"
#include "aio/timeout.hpp"

#include "aio/testing/guard.hpp"

#include "io.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

using aio::Task;
using Catch::Matchers::Contains;
using test11::run_io;
using namespace std::chrono_literals;

AIO_TEST_CASE("create_subprocess_exec: wait() gives the exit code", "[ch11][subprocess]") {
  const auto main = []() -> Task<> {
    const std::vector<std::string> exit3{"-c", "exit 3"};
    aio::Process shell = co_await aio::create_subprocess_exec("sh", exit3);
    CHECK_FALSE(shell.returncode().has_value());
    const int code = co_await shell.wait();
    CHECK(code == 3);
    CHECK(shell.returncode() == 3);
    const int again = co_await shell.wait(); // waiting again gives the same
    CHECK(again == 3);
  };
  run_io(main());
}

AIO_TEST_CASE("create_subprocess_exec: stdin and stdout are streams, and the end of stdin ends the child",
              "[ch11][subprocess][streams]") {
  const auto main = []() -> Task<> {
    aio::Process sort = co_await aio::create_subprocess_exec("sort", {}, {.in = aio::PIPE, .out = aio::PIPE});
    sort.in().write("pear\napple\nfig\n");
    co_await sort.in().drain();
    sort.in().write_eof(); // sort answers only once its input has ended
    const std::string sorted = co_await sort.out().read();
    CHECK(sorted == "apple\nfig\npear\n");
    const int code = co_await sort.wait();
    CHECK(code == 0);
  };
  run_io(main());
}

AIO_TEST_CASE("communicate: 1 MiB through cat, written and read at once, with no deadlock",
              "[ch11][subprocess][streams]") {
  // Five times what the two socket buffers between us and cat hold (about 208 KiB each way):
  // cat fills its stdout long before we are done writing its stdin, so only reading while
  // writing gets to the end. (Made before the loop runs: no step copies megabytes.)
  std::string input;
  for (int i = 0; input.size() < 1024 * 1024; ++i) input += "line " + std::to_string(i) + "\n";
  std::string sent = input;
  const auto main = [&]() -> Task<> {
    aio::Process cat = co_await aio::create_subprocess_exec("cat", {}, {.in = aio::PIPE, .out = aio::PIPE});
    const aio::Output output = co_await cat.communicate(std::move(sent));
    CHECK(output.out.size() == input.size());
    CHECK(output.out == input);
    CHECK(cat.returncode() == 0);
  };
  run_io(main());
}

AIO_TEST_CASE("communicate: stderr apart, or merged into stdout with aio::STDOUT", "[ch11][subprocess][streams]") {
  const auto main = []() -> Task<> {
    const std::vector<std::string> both{"-c", "echo out; echo err >&2; exit 1"};
    aio::Process apart = co_await aio::create_subprocess_exec("sh", both, {.out = aio::PIPE, .err = aio::PIPE});
    const aio::Output separate = co_await apart.communicate();
    CHECK(separate.out == "out\n");
    CHECK(separate.err == "err\n");
    CHECK(apart.returncode() == 1);
    aio::Process merged = co_await aio::create_subprocess_exec("sh", both, {.out = aio::PIPE, .err = aio::STDOUT});
    const aio::Output together = co_await merged.communicate();
    CHECK(together.out == "out\nerr\n");
    CHECK(together.err.empty());
  };
  run_io(main());
}

AIO_TEST_CASE("A child that never ends: wait_for times out, kill() ends it, its returncode is -SIGKILL",
              "[ch11][subprocess][timeout]") {
  const auto main = []() -> Task<> {
    const std::vector<std::string> forever{"3600"};
    aio::Process sleeper = co_await aio::create_subprocess_exec("sleep", forever);
    bool timed_out = false;
    try {
      (void)co_await aio::wait_for(sleeper.wait(), 50ms);
    } catch (const aio::TimeoutError&) {
      timed_out = true;
    }
    CHECK(timed_out);
    CHECK_FALSE(sleeper.returncode().has_value());
    sleeper.kill();
    const int code = co_await sleeper.wait();
    CHECK(code == -SIGKILL);
  };
  run_io(main());
}

AIO_TEST_CASE("create_subprocess_exec: a program that does not exist is an OSError naming it",
              "[ch11][subprocess][errors]") {
  const auto main = []() -> Task<> {
    std::string what;
    int code = 0;
    try {
      (void)co_await aio::create_subprocess_exec("no-such-program-here");
    } catch (const aio::OSError& error) {
      what = error.what();
      code = error.code().value();
    }
    CHECK_THAT(what, Contains("cannot run 'no-such-program-here'"));
    CHECK(code == ENOENT);
  };
  run_io(main());
}

AIO_TEST_CASE("A Process dropped while its child runs kills and reaps it: no orphan, no zombie",
              "[ch11][subprocess][lifetime]") {
  const auto main = []() -> Task<pid_t> {
    const std::vector<std::string> forever{"3600"};
    aio::Process sleeper = co_await aio::create_subprocess_exec("sleep", forever);
    co_return sleeper.pid();
  };
  const pid_t pid = run_io(main());
  CHECK(::kill(pid, 0) == -1); // gone, and reaped: not even a zombie holds the pid
  CHECK(errno == ESRCH);
}

AIO_TEST_CASE("Process::in() on a child whose stdin is not a pipe says how to make it one",
              "[ch11][subprocess][errors]") {
  const auto main = []() -> Task<> {
    aio::Process child = co_await aio::create_subprocess_exec("true");
    CHECK_THROWS_WITH(child.in(), Contains(".in = aio::PIPE"));
    (void)co_await child.wait();
  };
  run_io(main());
}
