// ch06_demo [name]: runs one of chapter 06's demos by name, or all of them, in real time.
#include "demos.hpp"

#include "aio/demo_main.hpp"

int main(int argc, char** argv) {
  using namespace aio::demos;
  return aio::run_demos(argc, argv,
                        {{"wait_for", [] { wait_for(aio::steady_clock()); }},
                         {"timeout_scope", [] { timeout_scope(aio::steady_clock()); }},
                         {"cancellable_worker", [] { cancellable_worker(aio::steady_clock()); }},
                         {"swallowed", [] { swallowed(aio::steady_clock()); }},
                         {"shield", [] { shield(aio::steady_clock()); }},
                         {"task_group", [] { task_group(aio::steady_clock()); }}});
}
