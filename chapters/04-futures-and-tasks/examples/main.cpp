// ch04_demo [name]: runs one of chapter 04's demos by name, or all of them, in real time.
#include "demos.hpp"

#include "aio/demo_main.hpp"

int main(int argc, char** argv) {
  using namespace aio::demos;
  return aio::run_demos(argc, argv,
                        {{"done", [] { done(aio::steady_clock()); }},
                         {"background", [] { background(aio::steady_clock()); }},
                         {"fetch_users", [] { fetch_users(aio::steady_clock()); }},
                         {"never_retrieved", [] { never_retrieved(aio::steady_clock()); }},
                         {"nested_run", [] { nested_run(aio::steady_clock()); }}});
}
