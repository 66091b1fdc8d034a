// ch02_demo [name]: runs one of chapter 02's demos by name, or all of them, in real time.
#include "demos.hpp"

#include "aio/demo_main.hpp"

int main(int argc, char** argv) {
  using namespace coro::demos;
  return aio::run_demos(argc, argv,
                        {{"hello", [] { hello(coro::steady_clock()); }},
                         {"sync-vs-async", [] { sync_vs_async(coro::steady_clock()); }},
                         {"forgot-await", forgot_await},
                         {"blocking-sleep", blocking_sleep}});
}
