// ch08_demo [name]: runs one of chapter 08's demos by name, or all of them, in real time.
#include "demos.hpp"

#include "aio/demo_main.hpp"

int main(int argc, char** argv) {
  using namespace aio::demos;
  return aio::run_demos(argc, argv,
                        {{"counter", [] { counter(aio::steady_clock()); }},
                         {"lost_updates", [] { lost_updates(aio::steady_clock()); }},
                         {"rate_limit", [] { rate_limit(aio::steady_clock()); }},
                         {"hundred_urls", [] { hundred_urls(aio::steady_clock()); }},
                         {"producer_consumer", [] { producer_consumer(aio::steady_clock()); }}});
}
