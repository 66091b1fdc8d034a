// The end of aio::run: what is still pending is cancelled, and the loop runs until it is gone.
#include "aio/run.hpp"

#include "aio/diagnostics.hpp"
#include "aio/registry.hpp"

#include <stdexcept>

namespace aio::detail {

void refuse_nested_run(Origin caller) {
  report({Pitfall::nested_run, "aio::run() was called from inside a running event loop", caller,
          "inside a coroutine, co_await the coroutine (or aio::create_task it); aio::run is for main() only"});
  throw std::logic_error("aio::run() cannot be called from a running event loop");
}

// [finish-run]
void finish_run(EventLoop& loop, bool report) noexcept {
  // As asyncio.run does: cancel what is left, and run the loop until it has all finished, so
  // that every task's cleanup (its catch blocks, its locals' destructors) runs on the loop.
  for (PromiseBase* task = first_task(loop); task != nullptr; task = next_task(loop, *task)) {
    if (report) task->report_left_pending();
    task->cancel();
  }
  try {
    while (first_task(loop) != nullptr) loop.run_once();
  } catch (...) { // a task that cannot finish (it swallowed the cancellation, then deadlocked): dropped below
  }
  const char* const why = "it could not be cancelled when aio::run() returned";
  loop.close(why);                                                 // the queued ones
  while (PromiseBase* task = first_task(loop)) task->abandon(why); // the parked ones; one may take others along
}
// [finish-run]

} // namespace aio::detail
