// Chapter 01's demos: the generator loop running the seed's Fibonacci example, first with a
// hand-written state machine, then with a C++20 coroutine, then two at once, then the pitfalls.
#include "demos.hpp"

#include "genloop/event_loop.hpp"
#include "genloop/fibonacci_machine.hpp"

#include <chrono>
#include <iostream>
#include <thread>
#include <tuple>
#include <utility>

namespace genloop::demos {

// [fibonacci-coroutine]
Generator<int> fibonacci(int n) {
  int a = 0;
  int b = 1;
  for (int i = 0; i < n; ++i) {
    std::tie(a, b) = std::pair{b, a + b};
    std::cout << "Fibonacci(" << i << "): " << a << '\n';
    co_yield a; // hand control (and a value) back to whoever resumed us
  }
}
// [fibonacci-coroutine]

Generator<int> squares(int n) {
  for (int i = 0; i < n; ++i) {
    const int square = i * i;
    std::cout << "Square(" << i << "): " << square << '\n';
    co_yield square;
  }
}

void fibonacci_trace() {
  // [fibonacci-trace]
  EventLoop loop;
  loop.add(FibonacciMachine(5));
  loop.run_forever();
  // [fibonacci-trace]
}

void generator_trace() {
  EventLoop loop;
  loop.add(fibonacci(5));
  loop.run_forever();
}

void interleave() {
  // [interleave]
  EventLoop loop;
  loop.add(fibonacci(3));
  loop.add(squares(2));
  loop.run_forever();
  // [interleave]
}

// [blocking-download]
Generator<int> blocking_download(int chunks) {
  for (int i = 0; i < chunks; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150)); // BUG: the whole loop waits
    std::cout << "downloaded chunk " << i << '\n';
    co_yield i;
  }
}
// [blocking-download]

void pitfalls() {
  std::cout << "-- a generator never run --\n";
  // [forgotten]
  {
    auto first = fibonacci(2);
    auto second = squares(2); // meant to run too, but never handed to the loop
    EventLoop loop(nullptr);
    loop.add(std::move(first));
    loop.run_forever();
  } // `second` is destroyed here without ever having run: reported
  // [forgotten]

  std::cout << "-- a step that blocks --\n";
  EventLoop blocked(nullptr);
  blocked.add(blocking_download(2));
  blocked.add(squares(2));
  blocked.run_forever();
}

} // namespace genloop::demos
