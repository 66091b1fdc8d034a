// Chapter 06's demos: cancellation, timeouts, shield and TaskGroup, after the seeds' examples.
#include "demos.hpp"

#include "aio/diagnostics.hpp"
#include "aio/run.hpp"
#include "aio/shield.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/task_group.hpp"
#include "aio/timeout.hpp"

#include <chrono>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>

using namespace std::chrono_literals;

namespace aio::demos {
namespace {

// Time since the loop's clock was at `start`, as "2.00 s".
std::string since(TimePoint start) { return seconds_text(EventLoop::get_running_loop().time() - start); }

// [wait-for]
Task<std::string> slow_operation(Duration delay, TimePoint start) {
  struct Cleanup { // RAII: runs however the coroutine ends, cancellation included
    TimePoint start;
    ~Cleanup() { std::cout << "slow_operation: cleaned up at " << since(start) << '\n'; }
  } cleanup{start};
  co_await sleep(delay);
  co_return "Completed after " + seconds_text(delay);
}

Task<> wait_for_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  try {
    const std::string result = co_await aio::wait_for(slow_operation(5s, start), 2s);
    std::cout << result << '\n';
  } catch (const TimeoutError&) {
    std::cout << "Operation timed out at " << since(start) << '\n';
  }
}
// [wait-for]

// [timeout-scope]
Task<> timeout_scope_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  try {
    co_await aio::timeout(1s, [start](Timeout& deadline) -> Task<> {
      for (int chunk = 1; chunk <= 4; ++chunk) {
        co_await sleep(700ms); // one chunk of a download
        std::cout << "chunk " << chunk << " at " << since(start) << '\n';
        if (chunk == 1) {
          deadline.reschedule(*deadline.when() + 1s); // progress: allow one more second
          std::cout << "deadline moved to 2.00 s\n";
        }
      }
    });
  } catch (const TimeoutError&) {
    std::cout << "timed out at " << since(start) << '\n';
  }
}
// [timeout-scope]

// [cancellable-worker]
Task<> cancelable_task() {
  try {
    for (;;) {
      co_await sleep(1s);
      std::cout << "Working...\n";
    }
  } catch (const CancelledError&) {
    std::cout << "Task cancelled, cleaning up...\n";
    throw; // rethrow: the cancellation must go on
  }
}

Task<> cancellable_worker_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  Task<> worker = create_task(cancelable_task());
  co_await sleep(3500ms);
  worker.cancel();
  try {
    co_await worker;
  } catch (const CancelledError&) {
    std::cout << "main: worker cancelled at " << since(start) << ", cancelled() = " << std::boolalpha
              << worker.cancelled() << '\n';
  }
}
// [cancellable-worker]

// [swallowed]
Task<int> stubborn_worker() {
  int done = 0;
  try {
    for (;;) {
      co_await sleep(1s);
      ++done;
    }
  } catch (const CancelledError&) {
    std::cout << "stubborn_worker: cancelled after " << done << " steps, but carries on\n";
  }
  co_return done; // the mistake: the cancellation is swallowed
}

Task<> swallowed_main() {
  Task<int> worker = create_task(stubborn_worker(), "stubborn");
  co_await sleep(2500ms);
  worker.cancel();
  const int steps = co_await worker; // no CancelledError: it "finished"
  std::cout << "main: the worker returned " << steps << " and was not cancelled: cancelled() = " << std::boolalpha
            << worker.cancelled() << '\n';
}
// [swallowed]

// [shield]
Task<> save_document(TimePoint start) {
  co_await sleep(3s);
  std::cout << "save_document: saved at " << since(start) << '\n';
}

Task<> shield_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  Task<> save = create_task(save_document(start));
  try {
    co_await aio::wait_for(aio::shield(std::move(save)), 1s);
  } catch (const TimeoutError&) {
    std::cout << "caller: gave up waiting at " << since(start) << "; the save goes on\n";
  }
  co_await sleep(3s);
}
// [shield]

// [task-group]
Task<std::string> fetch(std::string what, Duration takes, TimePoint start, bool fails = false) {
  try {
    co_await sleep(takes);
  } catch (const CancelledError&) {
    std::cout << what << ": cancelled at " << since(start) << '\n';
    throw;
  }
  if (fails) throw std::runtime_error(what + ": server error 500");
  co_return what;
}

Task<> task_group_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  try {
    co_await aio::task_group([start](TaskGroup& group) -> Task<> {
      group.create_task(fetch("user", 2s, start));
      group.create_task(fetch("orders", 1s, start, true));
      group.create_task(fetch("profile", 3s, start));
      co_await sleep(10s); // the body is cancelled too
      std::cout << "never printed\n";
    });
  } catch (const ExceptionGroup& errors) {
    std::cout << "group failed at " << since(start) << ": " << errors.what() << '\n';
  }
}
// [task-group]

} // namespace

void wait_for(Clock& clock) { run(wait_for_main(), clock); }
void timeout_scope(Clock& clock) { run(timeout_scope_main(), clock); }
void cancellable_worker(Clock& clock) { run(cancellable_worker_main(), clock); }
void swallowed(Clock& clock) { run(swallowed_main(), clock); }
void shield(Clock& clock) { run(shield_main(), clock); }
void task_group(Clock& clock) { run(task_group_main(), clock); }

} // namespace aio::demos
