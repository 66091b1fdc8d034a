// ch01_demo [name]: runs one of chapter 01's demos by name, or all of them.
#include "demos.hpp"

#include "aio/demo_main.hpp"

int main(int argc, char** argv) {
  using namespace genloop::demos;
  return aio::run_demos(argc, argv,
                        {{"fibonacci", fibonacci_trace},
                         {"generator", generator_trace},
                         {"interleave", interleave},
                         {"pitfalls", pitfalls}});
}
