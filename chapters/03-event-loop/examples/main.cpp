// ch03_demo [name]: runs one of chapter 03's demos by name, or all of them, in real time.
#include "demos.hpp"

#include "aio/demo_main.hpp"

int main(int argc, char** argv) {
  using namespace aio::demos;
  return aio::run_demos(argc, argv,
                        {{"callbacks", [] { callbacks(aio::steady_clock()); }},
                         {"timers", [] { timers(aio::steady_clock()); }},
                         {"ticker", [] { ticker(aio::steady_clock()); }},
                         {"deadlock", deadlock}});
}
