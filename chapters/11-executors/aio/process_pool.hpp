// Worker processes for work that must not share this process's memory (Python:
// concurrent.futures.ProcessPoolExecutor).
//
// Each worker is this same program, started again (posix_spawn of /proc/self/exe: never a
// fork of a process with threads), which serves jobs before its main() would run. A job is a
// plain function of this program with arguments that are plain bytes (trivially copyable), as
// Python's pickling would be; it goes over a Unix socket (SOCK_SEQPACKET: one message per
// job, one per result) that the loop watches, and so does the worker's pidfd: a worker that
// dies breaks the pool, as in Python.
#pragma once

#include "aio/epoll_selector.hpp"
#include "aio/parking.hpp"
#include "aio/promise.hpp"
#include "aio/task.hpp"

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace aio {

/// A worker of the pool ended while jobs were running or waiting: every one of them fails with
/// this, and so does every later job (Python: `concurrent.futures.process.BrokenProcessPool`).
class BrokenProcessPool : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A job's function threw in its worker: its type and message, as text (Python re-raises the
/// pickled exception; C++ exceptions cannot cross a process).
class ProcessJobError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class ProcessPool;

namespace detail {

/// How a worker calls one kind of job: reads the arguments from `in`, calls `function`, and
/// writes the result (or the error) to `out`.
using Invoker = void (*)(const void* function, const char* in, std::size_t size, std::string& out);

/// A function of this program as the worker finds it again: its distance from a function of
/// the same program (the worker is the same executable, loaded elsewhere in memory).
std::intptr_t code_offset(const void* function);

/// One job, in the frame of the task that waits for it: the request's bytes, then the reply's.
class ProcessJob final : public Parking {
public:
  /// A job for `pool` whose request is `request`.
  ProcessJob(ProcessPool& pool, std::string request) noexcept : pool_(pool), request_(std::move(request)) {}
  /// The reply: status byte, then the result's bytes or the error's text.
  const std::string& reply() const noexcept { return reply_; }
  /// Why it failed, if it did (the pool broke).
  const std::exception_ptr& error() const noexcept { return error_; }
  /// Its pool.
  ProcessPool& pool() const noexcept { return pool_; }

private:
  friend class aio::ProcessPool;
  Cancelled cancel(PromiseBase& task) noexcept override;
  void abandon(PromiseBase& task) noexcept override;
  std::string describe() const override;

  ProcessPool& pool_;
  std::string request_;
  std::string reply_;
  std::exception_ptr error_;
  PromiseBase* task_ = nullptr;
  int worker_ = -1; // the worker it was sent to, or -1 while queued
};

/// The arguments and the result of a job cross the process boundary as bytes.
template <class T>
inline constexpr bool plain_bytes = std::is_trivially_copyable_v<T> && !std::is_pointer_v<T>;

template <class R, class... P>
void invoke(const void* function, const char* in, std::size_t size, std::string& out) {
  std::tuple<std::remove_cvref_t<P>...> args;
  if (size != sizeof args) throw std::logic_error("a job's arguments arrived with the wrong size");
  std::memcpy(static_cast<void*>(&args), in, sizeof args);
  const auto fn = reinterpret_cast<R (*)(P...)>(const_cast<void*>(function));
  if constexpr (std::is_void_v<R>) {
    std::apply(fn, args);
  } else {
    const R result = std::apply(fn, args);
    out.append(reinterpret_cast<const char*>(&result), sizeof result);
  }
}

/// What `co_await` on a process job does.
template <class R>
class [[nodiscard]] ProcessJobAwaiter {
public:
  /// Will send `request` to a worker of `pool`.
  ProcessJobAwaiter(ProcessPool& pool, std::string request) : job_(pool, std::move(request)) {}
  bool await_ready() const noexcept { return false; } ///< It always goes to a worker.
  /// Queues the job (sends it if a worker is idle) and parks the task on it.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting);
  /// The result, or ProcessJobError, BrokenProcessPool, CancelledError.
  R await_resume();

private:
  ProcessJob job_;
};

} // namespace detail

// [process-pool]
/// A pool of worker processes, started on its first job, on the running loop (Python:
/// `ProcessPoolExecutor`). Its jobs are functions of this program; its destructor stops the
/// workers (an idle one is told to exit, one still busy with a job nobody waits for is killed).
class ProcessPool {
public:
  /// As Python: one worker per CPU.
  static std::size_t default_workers() noexcept;
  /// A pool of `workers` processes (at least 1).
  explicit ProcessPool(std::size_t workers = default_workers());
  /// Stops the workers; a job still waiting fails with BrokenProcessPool.
  ~ProcessPool();
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;

  /// True once a worker has died: every job fails from then on.
  bool broken() const noexcept { return !broken_.empty(); }
  /// How many workers run now.
  std::size_t running() const noexcept;
  /// The workers' process ids (for tests that kill one).
  std::vector<int> pids() const;

  /// Queues `job` for `task`; sends it at once to an idle worker. Throws BrokenProcessPool.
  void submit(detail::ProcessJob& job, detail::PromiseBase& task);
  // [process-pool]

private:
  friend class detail::ProcessJob;
  struct Worker;
  class Watch;
  void start();
  void send(detail::ProcessJob& job, std::size_t worker);
  void replied(std::size_t worker) noexcept;
  void died(std::size_t worker) noexcept;
  void withdraw(detail::ProcessJob& job) noexcept;
  void finish(detail::ProcessJob& job) noexcept;
  void fail_all(const std::string& why) noexcept;

  std::size_t size_;
  EpollSelector* selector_ = nullptr;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::deque<detail::ProcessJob*> queue_;
  std::string broken_; // why, once broken
};

// [run-in-process]
namespace detail {
template <class R>
Task<R> await_process_job(ProcessPool& pool, std::string request) {
  co_return co_await ProcessJobAwaiter<R>(pool, std::move(request));
}
} // namespace detail

/// Runs `function(args...)` in a worker process of `pool` (Python: `await
/// loop.run_in_executor(process_pool, function, *args)`). `function` is a plain function of this
/// program; its parameters and its result are trivially copyable (their bytes are sent). The
/// arguments are copied now, when the call is made. Throws ProcessJobError if the function
/// threw, BrokenProcessPool if the pool is broken.
template <class R, class... P, class... A>
Task<R> run_in_executor(ProcessPool& pool, R (*function)(P...), A&&... args) {
  static_assert(
      ((detail::plain_bytes<std::remove_cvref_t<P>> && std::is_default_constructible_v<std::remove_cvref_t<P>>)&&...),
      "a process job's parameters are copied as bytes to another process: use trivially copyable "
      "types (numbers, structs of numbers, std::array), no pointers, references to memory or std::string");
  static_assert(std::is_void_v<R> || (detail::plain_bytes<R> && std::is_default_constructible_v<R>),
                "a process job's result is copied as bytes from another process: return a trivially copyable type");
  static_assert(sizeof...(P) == sizeof...(A), "wrong number of arguments for the job's function");
  const std::tuple<std::remove_cvref_t<P>...> bound(std::forward<A>(args)...);
  const std::intptr_t offsets[2] = {detail::code_offset(reinterpret_cast<const void*>(function)),
                                    detail::code_offset(reinterpret_cast<const void*>(&detail::invoke<R, P...>))};
  std::string request(reinterpret_cast<const char*>(offsets), sizeof offsets);
  request.append(reinterpret_cast<const char*>(&bound), sizeof bound);
  return detail::await_process_job<R>(pool, std::move(request));
}
// [run-in-process]

namespace detail {

template <class R>
template <class P>
void ProcessJobAwaiter<R>::await_suspend(std::coroutine_handle<P> awaiting) {
  PromiseBase& task =
      PromiseBase::suspending(promise_of(awaiting), "only a coroutine running in a task can wait for a process");
  job_.pool().submit(job_, task);
  task.park(job_); // cancelled already: it leaves at once
}

template <class R>
R ProcessJobAwaiter<R>::await_resume() {
  if (job_.error()) std::rethrow_exception(job_.error());
  const std::string& reply = job_.reply();
  if (reply.empty() || reply[0] != '\0') throw ProcessJobError(reply.empty() ? "empty reply" : reply.substr(1));
  if constexpr (!std::is_void_v<R>) {
    R result;
    if (reply.size() != 1 + sizeof result) throw ProcessJobError("a job's result arrived with the wrong size");
    std::memcpy(static_cast<void*>(&result), reply.data() + 1, sizeof result);
    return result;
  }
}

} // namespace detail
} // namespace aio
