// Exercise 1.2: chain(first, second), Python's "yield from first; yield from second".
#pragma once

#include "genloop/generator.hpp"

#include "aio/todo.hpp"

/// Yields every value of `first`, then every value of `second`, one value per step.
/// Lazy like any generator: `second` does not start before `first` has finished.
template <class T>
genloop::Generator<T> chain(genloop::Generator<T> first, genloop::Generator<T> second) {
  (void)first;
  (void)second;
  AIO_TODO("1.2");
}
