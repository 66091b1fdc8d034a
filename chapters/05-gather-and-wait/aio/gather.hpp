// aio::gather: run tasks concurrently and collect their results in order (Python:
// asyncio.gather), and gather_settled, which also collects their failures (Python:
// asyncio.gather(..., return_exceptions=True)).
#pragma once

#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/task.hpp"
#include "aio/watch.hpp"

#include <cstddef>
#include <exception>
#include <memory>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

namespace aio {

// [outcome]
/// How one task ended, as gather_settled reports it: its value, or the exception it failed
/// with (aio::CancelledError if it was cancelled). Python puts the exception object itself in
/// the list; C++ needs a type that can hold either.
template <class T>
class Outcome {
public:
  /// A success.
  explicit Outcome(Value<T> value) : outcome_(std::in_place_index<0>, std::move(value)) {}
  /// A failure; `error` must not be null.
  explicit Outcome(std::exception_ptr error) : outcome_(std::in_place_index<1>, std::move(error)) {
    if (!std::get<1>(outcome_)) throw std::invalid_argument("a failed Outcome needs an exception");
  }

  /// True if the task gave a value.
  bool ok() const noexcept { return outcome_.index() == 0; }
  /// The value; rethrows the failure if there is one.
  Value<T>& value() {
    if (!ok()) std::rethrow_exception(std::get<1>(outcome_));
    return std::get<0>(outcome_);
  }
  /// The failure, or null for a success.
  std::exception_ptr error() const noexcept { return ok() ? nullptr : std::get<1>(outcome_); }

private:
  std::variant<Value<T>, std::exception_ptr> outcome_;
};
// [outcome]

namespace detail {

/// The outcome of a finished task, its exception read.
template <class T>
Outcome<T> settle(Task<T>& task) {
  if (task.cancelled()) return Outcome<T>(std::make_exception_ptr(CancelledError()));
  if (std::exception_ptr error = task.exception()) return Outcome<T>(std::move(error));
  return Outcome<T>(take(task));
}

/// Starts the tasks `for_each` visits (it calls its argument on each one), and waits until
/// `until` holds for them. If the waiting task is cancelled meanwhile, every one of them is
/// cancelled too, and the CancelledError goes on.
template <class ForEach>
Task<std::shared_ptr<Watch>> watch_all(Until until, bool read_failures, std::size_t count, ForEach for_each) {
  auto watch = std::make_shared<Watch>(EventLoop::get_running_loop(), count, until, read_failures, true);
  for_each([&watch](auto& task) { Watch::add(watch, task); });
  try {
    co_await watch->woken();        // cancelling the waiting task cancels the tasks (see Watch)
  } catch (const CancelledError&) { // it was cancelled while it ran, before it waited: stop them too
    for_each([](auto& task) { task.cancel(); });
    throw;
  }
  if (watch->cancel_requested() && !watch->first_failure) throw CancelledError(); // even if each gave a value
  co_return watch;
}

/// watch_all over a pack of tasks.
template <class... Tasks>
Task<std::shared_ptr<Watch>> watch_pack(Until until, bool read_failures, Tasks&... tasks) {
  return watch_all(until, read_failures, sizeof...(Tasks), [&tasks...](auto&& visit) { (visit(tasks), ...); });
}

/// watch_all over a vector of tasks.
template <class T>
Task<std::shared_ptr<Watch>> watch_vector(Until until, bool read_failures, std::vector<Task<T>>& tasks) {
  return watch_all(until, read_failures, tasks.size(), [&tasks](auto&& visit) {
    for (Task<T>& task : tasks) visit(task);
  });
}

} // namespace detail

// [gather]
/// Runs `tasks` concurrently and gives their values in argument order, as a tuple (Python:
/// `a, b, c = await asyncio.gather(a(), b(), c())`). Coroutines not started yet become tasks.
///
/// asyncio's semantics, surprises included: the first task to fail (or be cancelled) makes
/// gather throw its exception at once, and *the others keep running*, unwatched: their results
/// and failures are dropped. Cancelling the task that awaits gather cancels all of them.
template <class... T>
Task<std::tuple<Value<T>...>> gather(Task<T>... tasks) {
  const auto watch = co_await detail::watch_pack(detail::Until::first_failure, true, tasks...);
  if (watch->first_failure) std::rethrow_exception(watch->first_failure);
  co_return std::tuple<Value<T>...>(detail::take(tasks)...);
}

/// Runs `tasks` concurrently and gives their values in order, as a vector (Python:
/// `await asyncio.gather(*tasks)`). Same semantics as above.
template <class T>
Task<std::vector<Value<T>>> gather(std::vector<Task<T>> tasks) {
  std::vector<Value<T>> values;
  if (tasks.empty()) co_return values;
  const auto watch = co_await detail::watch_vector(detail::Until::first_failure, true, tasks);
  if (watch->first_failure) std::rethrow_exception(watch->first_failure);
  values.reserve(tasks.size());
  for (Task<T>& task : tasks) values.push_back(detail::take(task));
  co_return values;
}
// [gather]

// [gather-settled]
/// Runs `tasks` concurrently, waits for every one, and gives each one's Outcome in argument
/// order: a failure is a result like any other (Python: `asyncio.gather(..., return_exceptions=
/// True)`). Nothing is lost, but nothing is thrown either: check every Outcome.
template <class... T>
Task<std::tuple<Outcome<T>...>> gather_settled(Task<T>... tasks) {
  co_await detail::watch_pack(detail::Until::all_done, false, tasks...);
  co_return std::tuple<Outcome<T>...>(detail::settle(tasks)...);
}

/// The same for a vector of tasks.
template <class T>
Task<std::vector<Outcome<T>>> gather_settled(std::vector<Task<T>> tasks) {
  std::vector<Outcome<T>> outcomes;
  if (tasks.empty()) co_return outcomes;
  co_await detail::watch_vector(detail::Until::all_done, false, tasks);
  outcomes.reserve(tasks.size());
  for (Task<T>& task : tasks) outcomes.push_back(detail::settle(task));
  co_return outcomes;
}
// [gather-settled]

} // namespace aio
