// ch01_demo [name]: runs one of chapter 01's demos by name, or all of them.
#include "demos.hpp"

#include <cstring>
#include <iostream>

namespace {
struct Demo {
  const char* name;
  void (*run)();
};
constexpr Demo demos[] = {
    {"fibonacci", genloop::demos::fibonacci_trace},
    {"generator", genloop::demos::generator_trace},
    {"interleave", genloop::demos::interleave},
    {"pitfalls", genloop::demos::pitfalls},
};
} // namespace

int main(int argc, char** argv) {
  bool ran = false;
  for (const Demo& demo : demos) {
    if (argc > 1 && std::strcmp(argv[1], demo.name) != 0) continue;
    if (argc == 1) std::cout << "--- " << demo.name << " ---\n";
    demo.run();
    ran = true;
  }
  if (!ran) {
    std::cerr << "unknown demo '" << argv[1] << "'; try one of:";
    for (const Demo& demo : demos) std::cerr << ' ' << demo.name;
    std::cerr << '\n';
    return 2;
  }
}
