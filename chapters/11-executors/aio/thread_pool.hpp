// A pool of threads for blocking calls and long computations, and the way a task waits for
// one of its jobs (Python: concurrent.futures.ThreadPoolExecutor, loop.run_in_executor,
// asyncio.to_thread).
//
// A job's round trip: the task puts the job on the pool's queue and parks on it (a new kind of
// Parking); a worker thread runs it, then sends "done" to the loop through
// call_soon_threadsafe, which wakes the loop; on the loop's thread the job wakes the task,
// which takes the result. The worker never touches the task: only the loop's thread does.
#pragma once

#include "aio/event_loop.hpp"
#include "aio/parking.hpp"
#include "aio/promise.hpp"
#include "aio/task.hpp"

#include <condition_variable>
#include <coroutine>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace aio {

class ThreadPool;

namespace detail {

// [job]
/// One call for a pool's thread, shared by the task that waits for it and the worker that runs
/// it. The worker sends its outcome to the loop only while `loop_` is set, and only under
/// `mutex_`; the loop's thread clears `loop_` under the same mutex when the task stops waiting
/// (cancelled, or its loop gave up on it). So a worker never reaches a loop that is gone, and
/// a result nobody waits for any more is dropped where it was made.
class Job : public Parking, public std::enable_shared_from_this<Job> {
public:
  /// Where it is in its life; it moves forward only.
  enum class State : unsigned char { queued, running, done, withdrawn };

  /// A job whose call `what` names (for task dumps).
  explicit Job(const char* what) noexcept : what_(what) {}
  virtual ~Job() = default;
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  /// Makes `task` the one waiting, before the job is queued: its loop is told that work is in
  /// flight, so it neither reports a deadlock nor jumps a virtual clock.
  void attach(PromiseBase& task) noexcept;
  /// Undoes attach() for a job the pool refused.
  void detach() noexcept { withdraw(); }
  /// The queued job will not run (ThreadPool::shutdown with cancel_futures): the task gets
  /// CancelledError. Any thread.
  void cancel_queued() noexcept;
  /// On a worker: calls the function unless the job was withdrawn first; false if it was.
  bool execute() noexcept;
  /// On a worker, after execute(): sends the outcome to the loop, if anyone still waits.
  void send() noexcept;
  /// True if the worker has not taken it yet.
  bool queued() const noexcept { return state_.load(std::memory_order_acquire) == State::queued; }
  /// The function ended with an exception, or the job was cancelled: rethrows that.
  void rethrow_failure() const;

  // [job]
protected:
  /// Calls the function, keeping its value (on the worker).
  virtual void call() = 0;
  /// Destroys the function and what it captured, on the thread that calls this.
  virtual void release() noexcept = 0;

private:
  Cancelled cancel(PromiseBase& task) noexcept override;
  void abandon(PromiseBase& task) noexcept override;
  std::string describe() const override;
  void deliver() noexcept;
  void withdraw() noexcept;

  const char* what_;
  std::atomic<State> state_{State::queued};
  std::exception_ptr error_;    // what the call threw; written before the outcome is sent
  bool cancelled_ = false;      // the job never ran: shutdown(cancel_futures=true)
  std::mutex mutex_;            // guards loop_ between the worker and the loop's thread
  EventLoop* loop_ = nullptr;   // the loop to send the outcome to, while someone waits
  PromiseBase* task_ = nullptr; // the waiting task: loop's thread only
};

/// A Job that calls `Fn`, a function object with its arguments bound, returning `R`.
template <class R, class Fn>
class JobOf final : public Job {
public:
  /// A job that will call `fn` (named `what` in dumps).
  JobOf(const char* what, Fn fn) : Job(what), fn_(std::move(fn)) {}
  /// The value, once the job is done; rethrows what the call threw.
  R take() {
    rethrow_failure();
    if constexpr (!std::is_void_v<R>) return std::move(*value_);
  }

private:
  void call() override {
    if constexpr (std::is_void_v<R>) {
      (*fn_)();
    } else {
      value_.emplace((*fn_)());
    }
  }
  void release() noexcept override { fn_.reset(); }

  std::optional<Fn> fn_;
  std::conditional_t<std::is_void_v<R>, bool, std::optional<R>> value_{};
};

} // namespace detail

// [thread-pool]
/// A fixed set of threads, started as jobs arrive, that run jobs in the order they were
/// submitted (Python: `concurrent.futures.ThreadPoolExecutor`). Any thread may submit; its
/// destructor is `shutdown(true)`.
class ThreadPool {
public:
  /// As Python's default: min(32, CPUs + 4) threads, enough for blocking calls to overlap.
  static std::size_t default_workers() noexcept;

  /// A pool of at most `max_workers` threads (at least 1), named `name` in reports and in the
  /// threads' names (`top -H` shows "name-0", "name-1", ...).
  explicit ThreadPool(std::size_t max_workers = default_workers(), std::string name = "ThreadPool");
  /// shutdown(true).
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Takes no more jobs; with `cancel_futures`, the ones still queued are cancelled (their tasks
  /// get CancelledError); with `wait`, returns once every thread has finished its last job and
  /// exited (Python: `executor.shutdown(wait, cancel_futures=...)`). A job already running
  /// cannot be stopped: a thread is never killed, since it could hold a lock or be halfway
  /// through changing something.
  void shutdown(bool wait = true, bool cancel_futures = false);

  /// Queues `job`; starts a thread for it if none is idle and the pool has room. Throws
  /// std::runtime_error after shutdown.
  void submit(std::shared_ptr<detail::Job> job);

  /// At most this many threads.
  std::size_t max_workers() const noexcept { return max_workers_; }
  /// How many threads it has started so far.
  std::size_t threads() const;
  /// Its name.
  const std::string& name() const noexcept { return name_; }

private:
  void work(std::size_t index);

  const std::size_t max_workers_;
  const std::string name_;
  mutable std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<std::shared_ptr<detail::Job>> queue_;
  std::vector<std::thread> threads_;
  std::size_t started_ = 0;
  std::size_t idle_ = 0;
  bool shut_down_ = false;
};
// [thread-pool]

/// The pool to_thread uses: one for the process, made on first use, joined at exit (asyncio
/// has one per loop and joins it when asyncio.run ends: see docs/python-to-cpp.md).
ThreadPool& default_thread_pool();

namespace detail {

/// What `co_await` on a job does: queue it and park until the loop's thread hears it is done.
template <class R, class Fn>
class [[nodiscard]] JobAwaiter {
public:
  /// Will run `fn` on `pool`.
  JobAwaiter(ThreadPool& pool, const char* what, Fn fn)
      : pool_(pool), job_(std::make_shared<JobOf<R, Fn>>(what, std::move(fn))) {}
  bool await_ready() const noexcept { return false; } ///< A job always goes to another thread.
  /// Queues the job and parks the task on it; if the pool refuses it, the task goes on at once
  /// with that error.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) {
    PromiseBase& task =
        PromiseBase::suspending(promise_of(awaiting), "only a coroutine running in a task can wait for a thread");
    job_->attach(task);
    try {
      pool_.submit(job_);
    } catch (...) {
      job_->detach(); // its task is not parked yet: it takes the error at once
      throw;
    }
    task.park(*job_); // cancelled already: it leaves at once
  }
  /// The job's value, or what it threw, or CancelledError.
  R await_resume() { return job_->take(); }

private:
  ThreadPool& pool_;
  std::shared_ptr<JobOf<R, Fn>> job_;
};

/// What a job calls: `f` with its arguments, copied (as std::thread does; std::ref passes a
/// reference, and then the caller keeps the object alive).
template <class F, class... Args>
auto bind_job(F&& f, Args&&... args) {
  return [f = std::forward<F>(f), ... args = std::forward<Args>(args)]() mutable -> decltype(auto) {
    return std::invoke(f, args...);
  };
}

/// The value type of a job calling `f(args...)`.
template <class F, class... Args>
using JobResult = std::remove_cvref_t<std::invoke_result_t<std::decay_t<F>&, std::decay_t<Args>&...>>;

template <class R, class Fn>
Task<R> await_job(ThreadPool& pool, const char* what, Fn fn) {
  co_return co_await JobAwaiter<R, Fn>(pool, what, std::move(fn));
}

} // namespace detail

// [to-thread]
/// Runs `f(args...)` on a thread of `pool` and gives its value, or rethrows what it threw
/// (Python: `await loop.run_in_executor(pool, f, *args)`). The arguments are copied into the
/// job. Like every Task it starts when awaited (or given to create_task). Cancelled before a
/// thread takes it, the job never runs; cancelled while it runs, the task ends at once with
/// CancelledError, the thread finishes the call and its value is dropped.
template <class F, class... Args>
Task<detail::JobResult<F, Args...>> run_in_executor(ThreadPool& pool, F&& f, Args&&... args) {
  using R = detail::JobResult<F, Args...>;
  return detail::await_job<R>(pool, "run_in_executor",
                              detail::bind_job(std::forward<F>(f), std::forward<Args>(args)...));
}

/// run_in_executor on the default pool (Python: `await asyncio.to_thread(f, *args)`): the way
/// to call a blocking function without blocking the loop.
template <class F, class... Args>
Task<detail::JobResult<F, Args...>> to_thread(F&& f, Args&&... args) {
  using R = detail::JobResult<F, Args...>;
  return detail::await_job<R>(default_thread_pool(), "to_thread",
                              detail::bind_job(std::forward<F>(f), std::forward<Args>(args)...));
}
// [to-thread]

} // namespace aio
