// Exercise 1.2, reference answer: chain(first, second), Python's "yield from".
#pragma once

#include "genloop/generator.hpp"

/// Yields every value of `first`, then every value of `second`, one value per step.
template <class T>
genloop::Generator<T> chain(genloop::Generator<T> first, genloop::Generator<T> second) {
  for (const T& value : first) co_yield value;
  for (const T& value : second) co_yield value;
}
