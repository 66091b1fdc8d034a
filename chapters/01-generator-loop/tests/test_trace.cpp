// The loop's observable behaviour: the seed's trace, and the order in which generators take turns.
#include "demos.hpp"
#include "genloop/event_loop.hpp"
#include "genloop/fibonacci_machine.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using aio::testing::CaptureStdout;

namespace {
// The seed's program prints this when run with Python: six cycles, the sixth being the one
// in which fibonacci() runs off its end and the loop prints "Task completed".
constexpr const char* seed_trace = "Event loop cycle.\n"
                                   "Fibonacci(0): 1\n"
                                   "Event loop cycle.\n"
                                   "Fibonacci(1): 1\n"
                                   "Event loop cycle.\n"
                                   "Fibonacci(2): 2\n"
                                   "Event loop cycle.\n"
                                   "Fibonacci(3): 3\n"
                                   "Event loop cycle.\n"
                                   "Fibonacci(4): 5\n"
                                   "Event loop cycle.\n"
                                   "Task completed\n";
} // namespace

AIO_TEST_CASE("the hand-written generator prints the seed's trace on the loop", "[ch01][trace]") {
  CaptureStdout out;
  genloop::demos::fibonacci_trace();
  CHECK(out.text() == seed_trace);
}

AIO_TEST_CASE("the coroutine generator prints exactly the same trace", "[ch01][trace]") {
  CaptureStdout out;
  genloop::demos::generator_trace();
  CHECK(out.text() == seed_trace);
}

AIO_TEST_CASE("two generators on one loop take turns, one step each", "[ch01][trace]") {
  CaptureStdout out;
  genloop::demos::interleave();
  CHECK(out.text() == "Event loop cycle.\n"
                      "Fibonacci(0): 1\n"
                      "Event loop cycle.\n"
                      "Square(0): 0\n"
                      "Event loop cycle.\n"
                      "Fibonacci(1): 1\n"
                      "Event loop cycle.\n"
                      "Square(1): 1\n"
                      "Event loop cycle.\n"
                      "Fibonacci(2): 2\n"
                      "Event loop cycle.\n"
                      "Task completed\n" // squares(2) finishes first: it had fewer steps
                      "Event loop cycle.\n"
                      "Task completed\n");
}

AIO_TEST_CASE("run_once runs exactly one step and says when there is nothing left", "[ch01][loop]") {
  CaptureStdout out;
  genloop::EventLoop loop(nullptr);
  CHECK_FALSE(loop.run_once());
  loop.add(genloop::FibonacciMachine(2));
  CHECK(loop.pending() == 1);
  CHECK(loop.run_once());
  CHECK(out.text() == "Fibonacci(0): 1\n");
  CHECK(loop.run_once());
  CHECK(loop.run_once()); // the step in which it returns
  CHECK(loop.pending() == 0);
  CHECK_FALSE(loop.run_once());
}

AIO_TEST_CASE("a generator added during a step runs after the ones already queued", "[ch01][loop]") {
  CaptureStdout out;
  genloop::EventLoop loop(nullptr);
  auto spawner = [](genloop::EventLoop& l) -> genloop::Generator<int> {
    std::cout << "spawner starts\n";
    l.add(genloop::demos::squares(1));
    co_yield 0;
    std::cout << "spawner ends\n";
  };
  loop.add(spawner(loop));
  loop.add(genloop::demos::fibonacci(1));
  loop.run_forever();
  CHECK(out.text() == "spawner starts\n"
                      "Fibonacci(0): 1\n"
                      "Square(0): 0\n"
                      "spawner ends\n");
}

AIO_TEST_CASE("an exception in a step reaches the caller of run_forever and drops that generator", "[ch01][loop]") {
  genloop::EventLoop loop(nullptr);
  auto failing = []() -> genloop::Generator<int> {
    co_yield 1;
    throw std::runtime_error("boom");
  };
  loop.add(failing());
  REQUIRE_THROWS_WITH(loop.run_forever(), "boom");
  CHECK(loop.pending() == 0);
}
