// ch11_demo [name]: runs one of chapter 11's demos by name, or all of them, in real time.
#include "demos.hpp"

#include "aio/demo_main.hpp"

#include <chrono>

int main(int argc, char** argv) {
  using namespace aio::demos;
  using namespace std::chrono_literals;
  return aio::run_demos(argc, argv,
                        {{"blocking_calls", [] { blocking_calls(1s); }},
                         {"cpu_bound", [] { cpu_bound(); }},
                         {"blocking_sleep_fixed", [] { blocking_sleep_fixed(); }},
                         {"wrong_thread", [] { wrong_thread(); }},
                         {"pipeline", [] { pipeline(); }}});
}
