// aio::run(main()): the program's entry into the runtime (Python: asyncio.run), and
// run_until_complete, the loop method it is built on.
#pragma once

#include "aio/clock.hpp"
#include "aio/event_loop.hpp"
#include "aio/selector.hpp"
#include "aio/task.hpp"

#include "aio/origin.hpp"

#include <optional>
#include <type_traits>
#include <utility>

namespace aio {

// [run-until-complete]
/// Runs `loop` until `task` has finished, and gives its value or rethrows its exception (Python:
/// `loop.run_until_complete`). A task that has not started is started on `loop` first. The loop
/// stays open: tasks still pending are yours to finish or drop.
template <class T>
T run_until_complete(EventLoop& loop, Task<T> task) {
  detail::Promise<T>& promise = detail::Access::promise(task);
  if (!promise.started()) promise.start(loop, {});
  while (!promise.done()) loop.run_once(); // a pass with nothing to run and nothing to wait for throws: deadlock
  return detail::take_value<T>(promise);
}
// [run-until-complete]

namespace detail {
/// Reports aio::run() called inside a running loop, naming the caller, and throws.
[[noreturn]] void refuse_nested_run(Origin caller);
/// Ends aio::run: reports (if `report`) and cancels the tasks still pending on `loop`, runs it
/// until they have finished, then closes it.
void finish_run(EventLoop& loop, bool report) noexcept;
} // namespace detail

// [run]
/// How aio::run sets up its loop. Every field has a default: `aio::run(main(), {.clock = &clock})`.
struct RunOptions {
  Clock* clock = nullptr;                     ///< The loop's time; null: real time.
  Selector* selector = nullptr;               ///< How it waits; null: for timers and wake-ups only.
  EventLoop::ExceptionHandler on_exception{}; ///< For callbacks that throw; empty: report and go on.
};

/// Creates a loop, runs `main` on it as the first task until it finishes, cancels what is still
/// pending and lets it finish, closes the loop, and gives main's value or rethrows its exception (Python:
/// `asyncio.run(main())`). Called from inside a running loop, it reports the mistake and
/// throws std::logic_error.
template <class T>
T run(Task<T> main, RunOptions options, Origin caller = Origin::here()) {
  if (EventLoop::is_any_running()) {
    detail::Access::promise(main).dismiss(); // the report below says it all
    detail::refuse_nested_run(caller);
  }
  Clock& clock = options.clock != nullptr ? *options.clock : steady_clock();
  std::optional<EventLoop> own; // a loop is neither copied nor moved: built in place
  EventLoop& loop = options.selector != nullptr ? own.emplace(clock, *options.selector) : own.emplace(clock);
  if (options.on_exception) loop.set_exception_handler(std::move(options.on_exception));
  struct Finish { // also on the way out of an exception, so no frame outlives the loop
    EventLoop& loop;
    bool report = false;
    ~Finish() { detail::finish_run(loop, report); }
  } finish{loop};
  if constexpr (std::is_void_v<T>) {
    run_until_complete(loop, std::move(main));
    finish.report = true;
  } else {
    T result = run_until_complete(loop, std::move(main));
    finish.report = true;
    return result;
  }
}

/// aio::run on `clock`: real time by default, a VirtualClock in tests.
template <class T>
T run(Task<T> main, Clock& clock = steady_clock(), Origin caller = Origin::here()) {
  return run(std::move(main), RunOptions{&clock}, caller);
}
// [run]

} // namespace aio
