// aio::TaskGroup: structured concurrency (Python: asyncio.TaskGroup). Tasks spawned into a
// group cannot outlive it: the group waits for all of them; the first failure cancels the
// others, and the group then throws an ExceptionGroup with every failure.
#pragma once

#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/task.hpp"
#include "aio/watch.hpp"

#include <cstddef>
#include <exception>
#include <list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace aio {

/// Several failures at once: every exception of a TaskGroup's tasks, and of its body, in the
/// order they happened (Python: `ExceptionGroup`, caught with `except*`).
class ExceptionGroup : public std::runtime_error {
public:
  /// Carries `errors` (at least one).
  explicit ExceptionGroup(std::vector<std::exception_ptr> errors);
  /// Each exception, in the order they happened.
  const std::vector<std::exception_ptr>& exceptions() const noexcept { return errors_; }

private:
  std::vector<std::exception_ptr> errors_;
};

// [task-group]
/// The tasks of one aio::task_group() scope. Hand it coroutines with create_task(); they start at
/// once and run concurrently with the body. The scope does not end before every one of them has.
class TaskGroup {
public:
  /// Starts `coroutine` as a task of the group, and gives it; the group owns it, so the
  /// reference stays valid for the group's life (Python: `tg.create_task(coro)`). Throws
  /// std::logic_error once the group is shutting down (a failure, or the scope has ended).
  template <class T>
  Task<T>& create_task(Task<T> coroutine, std::string name = {});
  /// How many of its tasks have not finished.
  std::size_t running() const noexcept { return running_; }

  // The scope's side, used by task_group().
  TaskGroup(); ///< A group for the running task.
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;
  /// The body ended with `error` (null: it returned): starts the group's exit.
  void body_ended(std::exception_ptr error) noexcept;
  /// Waits for every task; throws what the scope should throw (nothing, an ExceptionGroup, or
  /// CancelledError).
  Task<> join();

private:
  struct Child { // a task of the group, whatever its type
    virtual ~Child() = default;
    virtual bool cancel() noexcept = 0;
  };
  template <class T>
  struct ChildOf final : Child {
    explicit ChildOf(Task<T> t) : task(std::move(t)) {}
    bool cancel() noexcept override { return task.cancel(); }
    Task<T> task;
  };

  void finished(detail::PromiseBase& task);
  void abort() noexcept;

  detail::PromiseBase& parent_; // the task running the body
  std::list<std::unique_ptr<Child>> children_;
  std::vector<std::exception_ptr> errors_;
  std::unique_ptr<Future<>> all_done_; // while join() waits
  std::size_t running_ = 0;
  bool exiting_ = false;          // the body has ended
  bool aborting_ = false;         // a failure: the tasks are being cancelled
  bool cancelled_parent_ = false; // abort() cancelled the body's task
  bool saw_cancel_ = false;       // a CancelledError reached the scope
};

template <class T>
Task<T>& TaskGroup::create_task(Task<T> coroutine, std::string name) {
  if (aborting_ || (exiting_ && running_ == 0)) {
    coroutine.cancel(); // it will never run: closed quietly, as asyncio closes the coroutine
    throw std::logic_error("TaskGroup::create_task(): the group is shutting down");
  }
  auto child = std::make_unique<ChildOf<T>>(aio::create_task(std::move(coroutine), std::move(name)));
  Task<T>& task = child->task;
  children_.push_back(std::move(child));
  ++running_;
  task.add_done_callback([this](detail::PromiseBase& done) { finished(done); });
  return task;
}

/// Runs `body`, a callable `(aio::TaskGroup&) -> aio::Task<R>`, in the current task with a
/// TaskGroup, and waits until the body and every task it created have finished; then gives the
/// body's value (Python: `async with asyncio.TaskGroup() as tg:`). If a task fails, or the
/// body throws, the other tasks and the body are cancelled, and once all have finished an
/// ExceptionGroup with every failure is thrown. Cancelling the task that runs the scope cancels
/// them all too, and throws CancelledError once they have finished.
template <class Body>
std::invoke_result_t<Body&, TaskGroup&> task_group(Body body) {
  using R = typename detail::TaskValue<std::invoke_result_t<Body&, TaskGroup&>>::type;
  TaskGroup group;
  std::optional<Value<R>> value;
  try {
    if constexpr (std::is_void_v<R>) {
      co_await body(group);
    } else {
      value.emplace(co_await body(group));
    }
    group.body_ended(nullptr);
  } catch (...) {
    group.body_ended(std::current_exception());
  }
  co_await group.join(); // throws, if the scope is to throw
  if constexpr (!std::is_void_v<R>) co_return std::move(*value);
}
// [task-group]

} // namespace aio
