// The process pool: workers started as copies of this program, jobs and results over Unix
// sockets, a dead worker noticed through its pidfd.
#include "aio/process_pool.hpp"

#include "aio/errors.hpp"
#include "aio/subprocess.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <thread>
#include <typeinfo>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace aio {
namespace {

constexpr const char* worker_variable = "AIO_PROCESS_POOL_WORKER";
constexpr int worker_fd = 3; // the worker's end of its socket, in the worker
constexpr std::size_t max_message = 64 * 1024;

void anchor() {} // every job's function is found again by its distance from this one

// [worker]
// In a worker: take a job, run it, send the result, until the pool closes the socket (or this
// process's parent dies, which closes it too). Whatever the job throws is sent back as text.
[[noreturn]] void serve(int fd) {
  std::string job(max_message, '\0');
  std::string reply;
  for (;;) {
    const ssize_t got = ::recv(fd, job.data(), job.size(), 0);
    if (got <= 0) ::_exit(0);
    reply.assign(1, '\0');
    try {
      std::intptr_t offsets[2];
      if (static_cast<std::size_t>(got) < sizeof offsets) throw std::logic_error("a job arrived cut short");
      std::memcpy(offsets, job.data(), sizeof offsets);
      const auto base = reinterpret_cast<std::intptr_t>(&anchor);
      const auto invoker = reinterpret_cast<detail::Invoker>(base + offsets[1]);
      invoker(reinterpret_cast<const void*>(base + offsets[0]), job.data() + sizeof offsets,
              static_cast<std::size_t>(got) - sizeof offsets, reply);
    } catch (const std::exception& error) {
      reply = std::string(1, '\1') + typeid(error).name() + ": " + error.what();
    } catch (...) {
      reply = "\1an exception that is not a std::exception";
    }
    if (reply.size() > max_message) reply.resize(max_message);
    if (::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL) < 0) ::_exit(0);
  }
}

// Runs before main() in every program that uses a ProcessPool: started as a worker, the
// program serves jobs and never reaches its main(). (So a job's function computes from its
// arguments only: statics of other files may not be initialized yet in a worker.)
[[maybe_unused]] const bool worker_served = [] {
  if (::getenv(worker_variable) == nullptr) return false;
  ::unsetenv(worker_variable); // the job's own children are not workers
  serve(worker_fd);
}();
// [worker]

} // namespace

namespace detail {

std::intptr_t code_offset(const void* function) {
  Dl_info target{}, self{};
  if (::dladdr(function, &target) == 0 || ::dladdr(reinterpret_cast<const void*>(&anchor), &self) == 0 ||
      target.dli_fbase != self.dli_fbase)
    throw std::invalid_argument("a process job runs a function of this program, not one of a shared library: "
                                "wrap it in a function of your own");
  return reinterpret_cast<std::intptr_t>(function) - reinterpret_cast<std::intptr_t>(&anchor);
}

Parking::Cancelled ProcessJob::cancel(PromiseBase& task) noexcept {
  pool_.withdraw(*this);
  task.wake();
  return Cancelled::woken;
}

void ProcessJob::abandon(PromiseBase&) noexcept { pool_.withdraw(*this); }

std::string ProcessJob::describe() const {
  return worker_ < 0 ? "waits for a worker process to take its job" : "waits for a worker process to finish its job";
}

} // namespace detail

// One fd of a worker, watched: its socket (readable when a result came) or its pidfd
// (readable when it has ended). `ready` is what the pool does then.
class ProcessPool::Watch final : public IoWatch {
public:
  Watch(ProcessPool& pool, std::size_t index, int fd, void (ProcessPool::*ready)(std::size_t) noexcept,
        const char* what)
      : IoWatch(*pool.selector_, fd), pool_(pool), index_(index), ready_(ready), what_(what) {}
  std::string describe() const override { return what_ + std::to_string(index_); }

private:
  void on_readable() noexcept override { (pool_.*ready_)(index_); }
  ProcessPool& pool_;
  std::size_t index_;
  void (ProcessPool::*ready_)(std::size_t) noexcept;
  std::string what_;
};

struct ProcessPool::Worker {
  pid_t pid = -1;
  std::unique_ptr<Watch> channel;    // the socket
  std::unique_ptr<Watch> exit;       // the pidfd
  detail::ProcessJob* job = nullptr; // the job it runs, if its task still waits
  bool busy = false;                 // running a job (maybe one nobody waits for any more)
  bool reaped = false;
};

std::size_t ProcessPool::default_workers() noexcept { return std::max(1u, std::thread::hardware_concurrency()); }

ProcessPool::ProcessPool(std::size_t workers) : size_(std::max<std::size_t>(1, workers)) {}

std::size_t ProcessPool::running() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(workers_.begin(), workers_.end(), [](const auto& w) { return !w->reaped; }));
}

std::vector<int> ProcessPool::pids() const {
  std::vector<int> pids;
  for (const auto& worker : workers_) pids.push_back(worker->pid);
  return pids;
}

// [start]
void ProcessPool::start() {
  selector_ = &EpollSelector::of_running_loop("a ProcessPool");
  std::vector<std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) variables.emplace_back(*entry);
  variables.push_back(std::string(worker_variable) + "=1");
  std::vector<char*> env;
  for (std::string& variable : variables) env.push_back(variable.data());
  env.push_back(nullptr);
  std::string name = "aio-process-pool-worker";
  char* argv[] = {name.data(), nullptr};
  for (std::size_t index = 0; index < size_; ++index) {
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) throw OSError(errno, "socketpair");
    detail::Spawned spawned{};
    try {
      spawned = detail::spawn("/proc/self/exe", false, argv, env.data(), {{ends[1], worker_fd}}, std::nullopt,
                              "cannot start a worker process"); // its socket is the only fd it inherits
    } catch (...) {
      ::close(ends[0]);
      ::close(ends[1]);
      throw;
    }
    ::close(ends[1]);
    ::fcntl(ends[0], F_SETFL, ::fcntl(ends[0], F_GETFL) | O_NONBLOCK);
    auto worker = std::make_unique<Worker>();
    worker->pid = spawned.pid;
    worker->channel = std::make_unique<Watch>(*this, index, ends[0], &ProcessPool::replied, "the socket to worker ");
    const int pidfd = spawned.pidfd;
    worker->exit = std::make_unique<Watch>(*this, index, pidfd, &ProcessPool::died, "worker process ");
    workers_.push_back(std::move(worker));
  }
}
// [start]

void ProcessPool::submit(detail::ProcessJob& job, detail::PromiseBase& task) {
  if (broken()) throw BrokenProcessPool(broken_);
  if (job.request_.size() > max_message) throw std::invalid_argument("a process job's arguments are too large");
  if (workers_.empty()) start();
  if (selector_ != &EpollSelector::of_running_loop("a ProcessPool"))
    throw std::logic_error("a ProcessPool serves the loop it started on: make one per aio::run");
  job.task_ = &task;
  selector_->add_source(); // while it waits, the loop waits for the workers
  for (std::size_t index = 0; index < workers_.size(); ++index)
    if (!workers_[index]->busy) return send(job, index);
  queue_.push_back(&job);
}

void ProcessPool::send(detail::ProcessJob& job, std::size_t index) {
  Worker& worker = *workers_[index];
  // One job per worker at a time, in a socket with room for far more: the send never waits.
  if (::send(worker.channel->fd(), job.request_.data(), job.request_.size(), MSG_NOSIGNAL) < 0) {
    job.error_ = std::make_exception_ptr(OSError(errno, "send a job to a worker process"));
    return finish(job);
  }
  worker.busy = true;
  worker.job = &job;
  job.worker_ = static_cast<int>(index);
}

void ProcessPool::replied(std::size_t index) noexcept {
  Worker& worker = *workers_[index];
  std::string reply(max_message, '\0');
  const ssize_t got = ::recv(worker.channel->fd(), reply.data(), reply.size(), 0);
  if (got <= 0) { // EAGAIN, or the worker is gone: its pidfd will say so
    worker.channel->not_readable();
    return;
  }
  reply.resize(static_cast<std::size_t>(got));
  worker.busy = false;
  if (detail::ProcessJob* job = std::exchange(worker.job, nullptr)) {
    job->reply_ = std::move(reply);
    finish(*job);
  }
  if (!queue_.empty()) {
    detail::ProcessJob& next = *queue_.front();
    queue_.pop_front();
    send(next, index);
  }
}

// [broken]
void ProcessPool::died(std::size_t index) noexcept {
  Worker& worker = *workers_[index];
  if (worker.reaped) return;
  const std::optional<int> code = detail::try_reap(worker.pid);
  if (!code) return worker.exit->not_readable();
  worker.reaped = true;
  if (!broken_.empty()) return; // we are stopping the others ourselves
  const std::string how =
      *code >= 0 ? "exited with code " + std::to_string(*code) : "was killed by signal " + std::to_string(-*code);
  fail_all("a process of the pool (pid " + std::to_string(worker.pid) + ") " + how +
           " while jobs were running or pending: the pool is broken (Python: BrokenProcessPool)");
}

void ProcessPool::fail_all(const std::string& why) noexcept {
  broken_ = why;
  for (auto& worker : workers_) {
    if (!worker->reaped) ::kill(worker->pid, SIGKILL); // as Python: a broken pool stops every worker
    worker->busy = true;                               // nothing more is sent
    if (detail::ProcessJob* job = std::exchange(worker->job, nullptr)) {
      job->error_ = std::make_exception_ptr(BrokenProcessPool(why));
      finish(*job);
    }
  }
  while (!queue_.empty()) {
    detail::ProcessJob& job = *queue_.front();
    queue_.pop_front();
    job.error_ = std::make_exception_ptr(BrokenProcessPool(why));
    finish(job);
  }
}
// [broken]

void ProcessPool::finish(detail::ProcessJob& job) noexcept {
  selector_->remove_source();
  job.worker_ = -1;
  std::exchange(job.task_, nullptr)->wake();
}

// A job whose task stops waiting: a queued one leaves the queue; a running one runs on, and
// its result is dropped when it comes.
void ProcessPool::withdraw(detail::ProcessJob& job) noexcept {
  if (job.worker_ >= 0) {
    workers_[static_cast<std::size_t>(job.worker_)]->job = nullptr;
  } else {
    queue_.erase(std::remove(queue_.begin(), queue_.end(), &job), queue_.end());
  }
  job.worker_ = -1;
  job.task_ = nullptr;
  selector_->remove_source();
}

ProcessPool::~ProcessPool() {
  const bool waited_for = !queue_.empty() || std::any_of(workers_.begin(), workers_.end(),
                                                         [](const auto& worker) { return worker->job != nullptr; });
  if (broken_.empty() && waited_for) fail_all("the process pool was destroyed while its jobs waited");
  for (auto& worker : workers_) {
    if (worker->reaped) continue;
    if (worker->busy) ::kill(worker->pid, SIGKILL); // its result would be dropped anyway
    worker->channel->close_fd();                    // an idle worker's recv() sees the end, and it exits
    ::waitpid(worker->pid, nullptr, 0);
  }
}

} // namespace aio
