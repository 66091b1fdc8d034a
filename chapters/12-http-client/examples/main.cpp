// ch12_demo [name]: runs one of chapter 12's demos by name, or all of them, against local
// servers it starts and stops itself.
#include "demos.hpp"

#include "aio/demo_main.hpp"

int main(int argc, char** argv) {
  using namespace aio::demos;
  return aio::run_demos(argc, argv,
                        {{"scraper", [] { scraper(1.0); }},
                         {"three_gets", [] { three_gets(); }},
                         {"pool_limits", [] { pool_limits(50, 0.2); }},
                         {"crawler", [] { crawler(5); }},
                         {"unread_body", [] { unread_body(); }}});
}
