// aio::wait: wait until all, the first, or the first failing of a set of tasks has finished,
// and get them back sorted into done and pending (Python: asyncio.wait); aio::as_completed:
// their results in the order they finish (Python: asyncio.as_completed).
#pragma once

#include "aio/clock.hpp"
#include "aio/event_loop.hpp"
#include "aio/task.hpp"
#include "aio/watch.hpp"

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace aio {

// [wait]
/// When aio::wait returns (Python: `asyncio.ALL_COMPLETED` and the others).
enum class ReturnWhen {
  all_completed,   ///< every task has finished
  first_completed, ///< at least one has finished
  first_exception, ///< one has raised an exception, or all have finished (a cancelled task raised none)
};
inline constexpr ReturnWhen ALL_COMPLETED = ReturnWhen::all_completed;     ///< Python: asyncio.ALL_COMPLETED
inline constexpr ReturnWhen FIRST_COMPLETED = ReturnWhen::first_completed; ///< Python: asyncio.FIRST_COMPLETED
inline constexpr ReturnWhen FIRST_EXCEPTION = ReturnWhen::first_exception; ///< Python: asyncio.FIRST_EXCEPTION

/// What aio::wait gives back: the tasks it was given, sorted. Each vector keeps their order.
template <class T>
struct Waited {
  std::vector<Task<T>> done;    ///< finished: read each one's result() or exception()
  std::vector<Task<T>> pending; ///< still running: wait again, await, cancel or drop them
};

/// Starts `tasks` (those not started yet become tasks), waits until `when` holds or `timeout` has
/// passed, and gives them back sorted into done and pending (Python: `done, pending = await
/// asyncio.wait(tasks, timeout=..., return_when=...)`). A timeout is no error: what has not
/// finished is in pending. It neither reads nor cancels any of them: the exceptions in `done`
/// are yours to read. Cancelling the task that awaits wait() drops the tasks, which run on.
/// Throws std::invalid_argument for an empty vector, as asyncio raises ValueError.
template <class T>
Task<Waited<T>> wait(std::vector<Task<T>> tasks, ReturnWhen when = ALL_COMPLETED,
                     std::optional<Duration> timeout = std::nullopt) {
  if (tasks.empty()) throw std::invalid_argument("aio::wait() needs at least one task: the vector is empty");
  const detail::Until until = when == ALL_COMPLETED     ? detail::Until::all_done
                              : when == FIRST_COMPLETED ? detail::Until::first_done
                                                        : detail::Until::first_exception;
  EventLoop& loop = EventLoop::get_running_loop();
  auto watch = std::make_shared<detail::Watch>(loop, tasks.size(), until, false, false);
  for (Task<T>& task : tasks) detail::Watch::add(watch, task);
  struct Timer { // cancelled on every way out, a cancellation of the waiting task included
    Handle handle;
    ~Timer() { handle.cancel(); }
  } timer;
  if (timeout) timer.handle = loop.call_later(*timeout, [watch] { watch->stop(); });
  co_await watch->woken();

  Waited<T> sorted;
  for (Task<T>& task : tasks) (task.done() ? sorted.done : sorted.pending).push_back(std::move(task));
  co_return sorted;
}
// [wait]

// [as-completed]
/// The results of a set of tasks in the order they finish (Python: `for next in
/// asyncio.as_completed(tasks): value = await next`):
///
///     aio::AsCompleted<User> users(std::move(tasks));
///     while (!users.empty()) User user = co_await users.next();
///
/// Each next() waits for the next task to finish and gives its value, or throws its exception.
/// Tasks still running when the AsCompleted goes run on, unwatched.
template <class T>
class AsCompleted {
public:
  /// Starts `tasks` (those not started yet become tasks) and watches them.
  explicit AsCompleted(std::vector<Task<T>> tasks) : state_(std::make_shared<State>(std::move(tasks))) {
    for (Task<T>& task : state_->tasks) detail::ensure_task(task);
    for (std::size_t i = 0; i < state_->tasks.size(); ++i) {
      state_->tasks[i].add_done_callback([state = state_, i](auto&) {
        state->finished.push_back(i);
        if (state->wake && !state->wake->done()) state->wake->set_result();
      });
    }
  }

  /// How many results next() has still to give.
  std::size_t size() const noexcept { return state_->tasks.size() - state_->handed_out; }
  /// True once next() has given every result.
  bool empty() const noexcept { return size() == 0; }

  /// Waits for the next task to finish, and gives its value or throws its exception. Throws
  /// std::out_of_range if every result has been given already; one next() at a time.
  Task<T> next() {
    if (empty()) throw std::out_of_range("AsCompleted::next(): every result has been given already");
    return next_of(state_);
  }

private:
  struct State {
    explicit State(std::vector<Task<T>> all) : tasks(std::move(all)) {}
    std::vector<Task<T>> tasks;
    std::deque<std::size_t> finished; // indices, in the order they finished
    std::size_t handed_out = 0;
    std::unique_ptr<Future<>> wake; // while next() waits
  };

  static Task<T> next_of(std::shared_ptr<State> state) {
    if (state->wake && !state->wake->done())
      throw std::logic_error("AsCompleted::next(): another next() is waiting already; await one at a time");
    while (state->finished.empty()) {
      state->wake = std::make_unique<Future<>>(EventLoop::get_running_loop());
      co_await *state->wake;
    }
    const std::size_t index = state->finished.front();
    state->finished.pop_front();
    ++state->handed_out;
    co_return detail::take(state->tasks[index]);
  }

  std::shared_ptr<State> state_;
};
// [as-completed]

} // namespace aio
