// The thread pool and a job's round trip: queued, run by a worker, its outcome sent to the
// loop, the task woken on the loop's thread.
#include "aio/thread_pool.hpp"

#include "aio/future.hpp"

#include <algorithm>

#include <pthread.h>

namespace aio {
namespace detail {

void Job::attach(PromiseBase& task) noexcept {
  task_ = &task;
  loop_ = task.loop(); // no other thread sees the job yet
  loop_->work_started();
}

// [execute]
bool Job::execute() noexcept {
  State expected = State::queued;
  if (!state_.compare_exchange_strong(expected, State::running, std::memory_order_acq_rel))
    return false; // withdrawn while it was queued: it never runs
  try {
    call();
  } catch (...) {
    error_ = std::current_exception();
  }
  release(); // what the function captured goes now, on this thread
  state_.store(State::done, std::memory_order_release);
  return true;
}

void Job::send() noexcept {
  std::lock_guard lock(mutex_);
  if (loop_ == nullptr) return; // nobody waits any more: the outcome is dropped here
  try {
    loop_->call_soon_threadsafe([job = shared_from_this()] { job->deliver(); });
  } catch (...) { // the loop has closed: its task is abandoned, which withdraws the job
  }
}

// On the loop's thread. Taking the mutex also waits for the worker to have left send(): after
// this, no other thread touches the loop for this job.
void Job::deliver() noexcept {
  EventLoop* loop = nullptr;
  {
    std::lock_guard lock(mutex_);
    loop = std::exchange(loop_, nullptr);
  }
  if (loop == nullptr) return; // the task stopped waiting meanwhile
  loop->work_finished();
  std::exchange(task_, nullptr)->wake();
}
// [execute]

void Job::cancel_queued() noexcept {
  State expected = State::queued;
  if (!state_.compare_exchange_strong(expected, State::done, std::memory_order_acq_rel)) return;
  cancelled_ = true;
  release();
  send();
}

void Job::withdraw() noexcept {
  EventLoop* loop = nullptr;
  {
    std::lock_guard lock(mutex_);
    loop = std::exchange(loop_, nullptr);
  }
  task_ = nullptr;
  if (loop != nullptr) loop->work_finished();
}

// [cancel]
// A queued job is taken back: no thread will run it. A running one cannot be stopped (a thread
// is never killed): the task leaves now, and the value the thread makes later is dropped.
Parking::Cancelled Job::cancel(PromiseBase& task) noexcept {
  abandon(task);
  task.wake();
  return Cancelled::woken;
}
// [cancel]

// The task stops waiting, and will not be woken by the job.
void Job::abandon(PromiseBase&) noexcept {
  State expected = State::queued;
  if (state_.compare_exchange_strong(expected, State::withdrawn, std::memory_order_acq_rel)) release();
  withdraw();
}

std::string Job::describe() const {
  return std::string("waits for ") + what_ +
         (queued() ? "'s job: queued, no thread has taken it yet" : "'s job: a thread runs it");
}

void Job::rethrow_failure() const {
  if (cancelled_) throw CancelledError();
  if (error_) std::rethrow_exception(error_);
}

} // namespace detail

std::size_t ThreadPool::default_workers() noexcept {
  const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  return std::min<std::size_t>(32, cpus + 4);
}

ThreadPool::ThreadPool(std::size_t max_workers, std::string name)
    : max_workers_(std::max<std::size_t>(1, max_workers)), name_(std::move(name)) {}

ThreadPool::~ThreadPool() { shutdown(true); }

std::size_t ThreadPool::threads() const {
  std::lock_guard lock(mutex_);
  return started_;
}

// [submit]
void ThreadPool::submit(std::shared_ptr<detail::Job> job) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (shut_down_) throw std::runtime_error("cannot schedule new futures after shutdown");
    queue_.push_back(std::move(job));
    // As Python: a new thread only when no idle one will take the job.
    if (idle_ < queue_.size() && started_ < max_workers_) {
      threads_.emplace_back([this, index = started_] { work(index); });
      ++started_;
    }
    wake = idle_ > 0;
  }
  if (wake) queued_.notify_one();
}
// [submit]

void ThreadPool::work(std::size_t index) {
  const std::string thread_name = (name_ + "-" + std::to_string(index)).substr(0, 15); // the kernel's limit
  ::pthread_setname_np(::pthread_self(), thread_name.c_str());
  std::unique_lock lock(mutex_);
  for (;;) {
    while (queue_.empty() && !shut_down_) {
      ++idle_;
      queued_.wait(lock);
      --idle_;
    }
    if (queue_.empty()) return; // shut down, and nothing left to run
    std::shared_ptr<detail::Job> job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    const bool ran = job->execute();
    // Idle from here: a job submitted once the loop has this one's outcome finds this thread,
    // instead of starting another (it takes the job on its next turn, without waiting).
    lock.lock();
    ++idle_;
    lock.unlock();
    if (ran) job->send();
    job.reset();
    lock.lock();
    --idle_;
  }
}

void ThreadPool::shutdown(bool wait, bool cancel_futures) {
  std::deque<std::shared_ptr<detail::Job>> cancelled;
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
    if (cancel_futures) cancelled.swap(queue_);
    if (wait) threads.swap(threads_);
  }
  queued_.notify_all();
  for (const auto& job : cancelled) job->cancel_queued();
  for (std::thread& thread : threads) thread.join();
}

ThreadPool& default_thread_pool() {
  static ThreadPool pool(ThreadPool::default_workers(), "to_thread");
  return pool;
}

} // namespace aio
