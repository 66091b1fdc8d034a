// ch07_demo [name]: runs one of chapter 07's demos by name, or all of them, in real time.
#include "demos.hpp"

#include "aio/demo_main.hpp"

int main(int argc, char** argv) {
  using namespace aio::demos;
  return aio::run_demos(argc, argv,
                        {{"query_database", [] { query_database(aio::steady_clock()); }},
                         {"every_exit", [] { every_exit(aio::steady_clock()); }},
                         {"async_range", [] { async_range(aio::steady_clock()); }},
                         {"fetch_pages", [] { fetch_pages(aio::steady_clock()); }},
                         {"early_exit", [] { early_exit(aio::steady_clock()); }}});
}
