// ch09_demo [name]: runs one of chapter 09's demos by name, or all of them, in real time.
// The pitfall reports go to standard error, as asyncio's debug mode writes its warnings.
#include "demos.hpp"

#include "aio/demo_main.hpp"

int main(int argc, char** argv) {
  using namespace aio::demos;
  return aio::run_demos(argc, argv,
                        {{"never_awaited", [] { never_awaited(aio::steady_clock()); }},
                         {"tasks_in_a_list", [] { tasks_in_a_list(aio::steady_clock()); }},
                         {"compile_time", [] { compile_time(); }},
                         {"blocking_sleep", [] { blocking_sleep(); }},
                         {"blocking_cpu", [] { blocking_cpu(); }},
                         {"swallowed_cancel", [] { swallowed_cancel(aio::steady_clock()); }},
                         {"run_inside_loop", [] { run_inside_loop(aio::steady_clock()); }},
                         {"run_in_a_loop", [] { run_in_a_loop(aio::steady_clock()); }},
                         {"settled_unchecked", [] { settled_unchecked(aio::steady_clock()); }},
                         {"never_retrieved", [] { never_retrieved(aio::steady_clock()); }},
                         {"deadlock", [] { deadlock(aio::steady_clock()); }},
                         {"task_dump", [] { task_dump(aio::steady_clock()); }},
                         {"loop_stats", [] { loop_stats(aio::steady_clock()); }}});
}
