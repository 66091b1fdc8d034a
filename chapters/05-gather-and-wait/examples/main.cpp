// ch05_demo [name]: runs one of chapter 05's demos by name, or all of them, in real time.
#include "demos.hpp"

#include "aio/demo_main.hpp"

int main(int argc, char** argv) {
  using namespace aio::demos;
  return aio::run_demos(argc, argv,
                        {{"fetch_all_users", [] { fetch_all_users(aio::steady_clock()); }},
                         {"process_items", [] { process_items(aio::steady_clock()); }},
                         {"batches", [] { batches(aio::steady_clock()); }},
                         {"gather_surprise", [] { gather_surprise(aio::steady_clock()); }},
                         {"wait_loop", [] { wait_loop(aio::steady_clock()); }},
                         {"as_completed", [] { as_completed(aio::steady_clock()); }}});
}
