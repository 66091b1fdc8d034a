// ch10_demo [name]: runs one of chapter 10's demos by name, or all of them, in real time.
#include "demos.hpp"

#include "aio/demo_main.hpp"

int main(int argc, char** argv) {
  using namespace aio::demos;
  return aio::run_demos(argc, argv,
                        {{"pizza", [] { pizza(aio::steady_clock()); }},
                         {"echo", [] { echo(aio::steady_clock()); }},
                         {"line_protocol", [] { line_protocol(aio::steady_clock()); }}});
}
