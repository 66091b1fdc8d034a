// Generator<T> and FibonacciMachine on their own: values, laziness, results, errors, ownership.
#include "demos.hpp"
#include "genloop/fibonacci_machine.hpp"
#include "genloop/generator.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using aio::testing::CaptureStdout;
using genloop::Generator;

AIO_TEST_CASE("range-for over a generator gives every co_yield-ed value in order", "[ch01][generator]") {
  CaptureStdout quiet;
  std::vector<int> values;
  for (int v : genloop::demos::fibonacci(7)) values.push_back(v);
  CHECK(values == std::vector{1, 1, 2, 3, 5, 8, 13});
}

AIO_TEST_CASE("a generator's body does not start until it is first resumed", "[ch01][generator]") {
  std::vector<std::string> log;
  auto body = [](std::vector<std::string>& out) -> Generator<int> {
    out.push_back("started");
    co_yield 1;
    out.push_back("resumed");
  };
  auto gen = body(log);
  CHECK(log.empty());
  REQUIRE(gen.resume());
  CHECK(gen.value() == 1);
  CHECK(log == std::vector<std::string>{"started"});
  CHECK_FALSE(gen.resume());
  CHECK(gen.done());
  CHECK(log == std::vector<std::string>{"started", "resumed"});
  CHECK_FALSE(gen.resume()); // resuming a finished generator is harmless
}

AIO_TEST_CASE("the hand-written machine returns fibonacci's result once finished", "[ch01][generator]") {
  CaptureStdout quiet;
  genloop::FibonacciMachine machine(10);
  int steps = 0;
  while (machine.resume()) ++steps;
  CHECK(steps == 10);
  CHECK(machine.result() == 55);
  CHECK_FALSE(machine.resume());
}

AIO_TEST_CASE("a generator and the machine produce the same numbers", "[ch01][generator]") {
  CaptureStdout out;
  for ([[maybe_unused]] int v : genloop::demos::fibonacci(6)) {}
  const std::string from_coroutine = out.text();
  genloop::FibonacciMachine machine(6);
  while (machine.resume()) {}
  CHECK(out.text() == from_coroutine + from_coroutine);
}

AIO_TEST_CASE("an exception thrown in the body comes out of resume()", "[ch01][generator]") {
  auto gen = []() -> Generator<int> {
    co_yield 1;
    throw std::runtime_error("disk full");
  }();
  REQUIRE(gen.resume());
  CHECK_THROWS_WITH(gen.resume(), "disk full");
  CHECK(gen.done());
}

AIO_TEST_CASE("a moved generator keeps its place and the moved-from one is empty", "[ch01][generator]") {
  CaptureStdout quiet;
  auto gen = genloop::demos::squares(3);
  REQUIRE(gen.resume());
  Generator<int> other = std::move(gen);
  CHECK(gen.done()); // NOLINT(bugprone-use-after-move): checking the moved-from state on purpose
  REQUIRE(other.resume());
  CHECK(other.value() == 1);
}

AIO_TEST_CASE("the promise records the coroutine's name and file", "[ch01][generator]") {
  auto gen = genloop::demos::squares(1);
  const aio::Origin origin = gen.origin();
  CHECK(std::string(origin.function) == "squares");
  CHECK(std::string(origin.file) == "chapters/01-generator-loop/examples/demos.cpp");
  CaptureStdout quiet;
  while (gen.resume()) {}
}
