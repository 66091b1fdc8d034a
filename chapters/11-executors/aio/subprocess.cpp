// Starting a child with posix_spawn, its streams, and its exit through a pidfd.
#include "aio/subprocess.hpp"

#include "aio/errors.hpp"
#include "aio/gather.hpp"

#include <cerrno>
#include <stdexcept>
#include <utility>

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace aio {
namespace detail {

// [child]
class Child final : public IoWatch {
public:
  Child(EpollSelector& selector, pid_t pid, int pidfd) : IoWatch(selector, pidfd), pid_(pid) {
    selector.add_source(); // until it has ended: the loop waits for it, and reports no deadlock
  }
  ~Child() override {
    if (returncode_) return;
    selector().remove_source();
    ::kill(pid_, SIGKILL); // nobody can wait for it any more: as asyncio's transport on close()
    ::waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const noexcept { return pid_; }
  const std::optional<int>& returncode() const noexcept { return returncode_; }
  Event& exited() noexcept { return exited_; }
  std::string describe() const override { return "process " + std::to_string(pid_); }

private:
  // The pidfd is readable: the child has ended. Reaping it here, in the batch, frees its slot
  // in the kernel's process table at once, whether or not anyone waits.
  void on_readable() noexcept override {
    if (returncode_) return;
    returncode_ = try_reap(pid_);
    if (!returncode_) return not_readable();
    selector().remove_source();
    exited_.set();
  }

  pid_t pid_;
  std::optional<int> returncode_;
  Event exited_;
};
// [child]

namespace {

// One end for the child (a plain fd it inherits), one for the loop (a stream).
struct Channel {
  int child = -1;
  std::optional<Streams> streams;
};

Channel open_channel(EpollSelector& selector, Stdio how, std::size_t limit) {
  Channel channel;
  if (how == Stdio::devnull) {
    channel.child = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (channel.child < 0) throw OSError(errno, "open /dev/null");
  } else if (how == Stdio::pipe) {
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) throw OSError(errno, "socketpair");
    channel.child = ends[1];
    ::fcntl(ends[0], F_SETFL, ::fcntl(ends[0], F_GETFL) | O_NONBLOCK);
    try {
      channel.streams.emplace(make_streams(selector, ends[0], limit));
    } catch (...) {
      ::close(ends[1]);
      throw;
    }
  }
  return channel;
}

// Closes the child's ends in the parent, whatever happens.
struct ChildEnds {
  std::vector<int> fds;
  ~ChildEnds() {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  }
};

} // namespace

// [spawn-child]
Spawned spawn(const char* path, bool search, char* const* argv, char* const* env,
              const std::vector<std::pair<int, int>>& dups, const std::optional<std::string>& cwd,
              const std::string& what) {
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  for (const auto& [from, to] : dups) ::posix_spawn_file_actions_adddup2(&actions, from, to);
  if (cwd) ::posix_spawn_file_actions_addchdir_np(&actions, cwd->c_str());
  pid_t pid = 0;
  const int failed = search ? ::posix_spawnp(&pid, path, &actions, nullptr, argv, env)
                            : ::posix_spawn(&pid, path, &actions, nullptr, argv, env);
  ::posix_spawn_file_actions_destroy(&actions);
  if (failed != 0) throw OSError(failed, what);
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); // close-on-exec always
  if (pidfd < 0) {
    const int error = errno;
    ::kill(pid, SIGKILL); // a child we could not watch is one we must not leave behind
    ::waitpid(pid, nullptr, 0);
    throw OSError(error, "pidfd_open");
  }
  return {pid, pidfd};
}
// [spawn-child]

std::optional<int> try_reap(pid_t pid) noexcept {
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG) != 0 || info.si_pid == 0) return std::nullopt;
  return info.si_code == CLD_EXITED ? info.si_status : -info.si_status;
}

} // namespace detail

// [spawn]
Task<Process> create_subprocess_exec(std::string program, std::vector<std::string> args, SubprocessOptions options) {
  if (options.in == Stdio::stdout_ || options.out == Stdio::stdout_)
    throw std::invalid_argument("aio::STDOUT is for stderr only");
  EpollSelector& selector = EpollSelector::of_running_loop("aio::create_subprocess_exec");
  detail::Channel in = detail::open_channel(selector, options.in, options.limit);
  detail::Channel out = detail::open_channel(selector, options.out, options.limit);
  detail::Channel err = detail::open_channel(selector, options.err, options.limit);
  const detail::ChildEnds ends{{in.child, out.child, err.child}};

  std::vector<std::pair<int, int>> dups;
  if (in.child >= 0) dups.emplace_back(in.child, 0);
  if (out.child >= 0) dups.emplace_back(out.child, 1);
  if (options.err == Stdio::stdout_) {
    dups.emplace_back(1, 2);
  } else if (err.child >= 0) {
    dups.emplace_back(err.child, 2);
  }
  std::vector<char*> argv{program.data()};
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const auto [pid, pidfd] =
      detail::spawn(program.c_str(), true, argv.data(), environ, dups, options.cwd, "cannot run '" + program + "'");
  auto child = std::make_shared<detail::Child>(selector, pid, pidfd);
  co_return Process(std::move(child), std::move(in.streams), std::move(out.streams), std::move(err.streams));
}
// [spawn]

Process::Process(std::shared_ptr<detail::Child> child, std::optional<Streams> in, std::optional<Streams> out,
                 std::optional<Streams> err) noexcept
    : child_(std::move(child)), in_(std::move(in)), out_(std::move(out)), err_(std::move(err)) {}

pid_t Process::pid() const noexcept { return child_->pid(); }

std::optional<int> Process::returncode() const noexcept { return child_->returncode(); }

Task<int> Process::wait() {
  const std::shared_ptr<detail::Child> child = child_; // alive while this waits
  if (!child->returncode()) co_await child->exited().wait();
  co_return *child->returncode();
}

void Process::send_signal(int signal) {
  if (child_->returncode()) return; // reaped: its pid may belong to someone else now
  if (::kill(child_->pid(), signal) != 0 && errno != ESRCH) throw OSError(errno, "kill");
}

StreamWriter& Process::in() {
  if (!in_) throw std::logic_error("the child's stdin is not a pipe: start it with .in = aio::PIPE");
  return in_->second;
}

StreamReader& Process::out() {
  if (!out_) throw std::logic_error("the child's stdout is not a pipe: start it with .out = aio::PIPE");
  return out_->first;
}

StreamReader& Process::err() {
  if (!err_) throw std::logic_error("the child's stderr is not a pipe: start it with .err = aio::PIPE");
  return err_->first;
}

namespace {

// [communicate]
Task<> feed(std::optional<Streams>& in, std::string input) {
  if (!in) co_return;
  StreamWriter& writer = in->second;
  try {
    if (!input.empty()) {
      writer.write(input);
      co_await writer.drain();
    }
  } catch (const ConnectionError&) { // the child closed its stdin early: what is left is dropped, as Python does
  }
  writer.close();
}

Task<std::string> collect(std::optional<Streams>& from) {
  if (!from) co_return std::string();
  co_return co_await from->first.read();
}
// [communicate]

} // namespace

Task<Output> Process::communicate(std::string input) {
  // All three at once: a child that fills its stdout while we still write its stdin would
  // otherwise wait for us while we wait for it.
  auto [fed, out, err] = co_await gather(feed(in_, std::move(input)), collect(out_), collect(err_));
  (void)fed;
  co_await wait();
  co_return Output{std::move(out), std::move(err)};
}

} // namespace aio
