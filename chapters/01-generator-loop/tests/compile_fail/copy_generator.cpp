// Must not compile: a generator owns its coroutine frame, so it cannot be copied. Two copies
// would both resume (and both destroy) the same frame.
#include "genloop/generator.hpp"

genloop::Generator<int> numbers() { co_yield 1; }

int main() {
  auto gen = numbers();
  auto copy = gen; // error: Generator's copy constructor is deleted
  return copy.resume() ? 0 : 1;
}
