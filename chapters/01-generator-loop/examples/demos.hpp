// Chapter 01's demos, callable from the demo program and from the tests that check their output.
#pragma once

#include "genloop/generator.hpp"

namespace genloop::demos {

/// fibonacci(n) as a C++20 coroutine: prints each number and yields it.
Generator<int> fibonacci(int n);
/// Prints and yields the first n squares.
Generator<int> squares(int n);

/// The seed's trace: the hand-written FibonacciMachine on the loop.
void fibonacci_trace();
/// The same trace, produced by the coroutine version.
void generator_trace();
/// Two generators sharing one loop, their steps interleaved.
void interleave();
/// The chapter's two pitfalls: a generator never run, a step that blocks the loop.
void pitfalls();

} // namespace genloop::demos
