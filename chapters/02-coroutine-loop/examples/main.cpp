// ch02_demo [name]: runs one of chapter 02's demos by name, or all of them, in real time.
#include "demos.hpp"

#include <cstring>
#include <iostream>

namespace {
void hello() { coro::demos::hello(coro::steady_clock()); }
void sync_vs_async() { coro::demos::sync_vs_async(coro::steady_clock()); }

struct Demo {
  const char* name;
  void (*run)();
};
constexpr Demo demos[] = {
    {"hello", hello},
    {"sync-vs-async", sync_vs_async},
    {"forgot-await", coro::demos::forgot_await},
    {"blocking-sleep", coro::demos::blocking_sleep},
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
