// Child processes whose stdin, stdout and stderr are chapter 10's streams (Python:
// asyncio.create_subprocess_exec and asyncio.subprocess.Process).
//
// The child's end of each stream is one end of a Unix socket pair (chapter 10's streams are
// socket streams; a child reads and writes it as it would a pipe). Its exit is watched through
// a pidfd, an fd that becomes readable when the process ends: one more IoWatch, no SIGCHLD
// handler, no thread.
#pragma once

#include "aio/epoll_selector.hpp"
#include "aio/event.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"

#include <csignal>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace aio {

/// Where a child's stdin, stdout or stderr goes.
enum class Stdio : unsigned char {
  inherit, ///< the parent's own (Python: `None`)
  pipe,    ///< a stream of the loop (Python: `asyncio.subprocess.PIPE`)
  devnull, ///< /dev/null (Python: `asyncio.subprocess.DEVNULL`)
  stdout_, ///< for stderr only: wherever stdout goes (Python: `asyncio.subprocess.STDOUT`)
};
inline constexpr Stdio PIPE = Stdio::pipe;       ///< As Python's name.
inline constexpr Stdio DEVNULL = Stdio::devnull; ///< As Python's name.
inline constexpr Stdio STDOUT = Stdio::stdout_;  ///< As Python's name.

/// How to start a child (Python: create_subprocess_exec's keyword arguments).
struct SubprocessOptions {
  Stdio in = Stdio::inherit;                       ///< Its stdin.
  Stdio out = Stdio::inherit;                      ///< Its stdout.
  Stdio err = Stdio::inherit;                      ///< Its stderr.
  std::size_t limit = StreamReader::default_limit; ///< The readers' limit.
  std::optional<std::string> cwd = std::nullopt;   ///< Its working directory.
};

/// What communicate() collected.
struct Output {
  std::string out; ///< Everything the child wrote to stdout (if it was a pipe).
  std::string err; ///< Everything it wrote to stderr (if it was a pipe).
};

namespace detail {
/// The child's pidfd, watched: readable once the child has ended, when it is reaped.
class Child;

/// A started child: its pid, and its pidfd (close-on-exec), readable once it has ended.
struct Spawned {
  pid_t pid; ///< Its process id.
  int pidfd; ///< Owned by the caller.
};
/// posix_spawn, not fork (safe in a process with threads: nothing runs in the child but the
/// exec, and a failed exec is its result), of `path` (looked up in PATH if `search`), with
/// `argv` and `env` (null-ended); in the child, each (from, to) of `dups` is dup2'ed in order
/// (which clears close-on-exec), then it changes to `cwd` if given. Throws OSError, in `what`.
Spawned spawn(const char* path, bool search, char* const* argv, char* const* env,
              const std::vector<std::pair<int, int>>& dups, const std::optional<std::string>& cwd,
              const std::string& what);
/// Reaps the child `pid` if it has ended: its returncode (the exit code, or -N if signal N
/// killed it). Nothing while it runs.
std::optional<int> try_reap(pid_t pid) noexcept;
} // namespace detail

// [process]
/// A running (or ended) child process (Python: `asyncio.subprocess.Process`). Move-only. If
/// the last Process of a child that still runs is destroyed, the child is killed and reaped,
/// as asyncio's transport does when it is closed: no orphan, no zombie.
class Process {
public:
  /// Its process id.
  pid_t pid() const noexcept;
  /// Its exit status once it has ended and been waited for: the exit code, or -N if signal N
  /// killed it (Python: `returncode`).
  std::optional<int> returncode() const noexcept;
  /// Waits for it to end; its returncode (Python: `await proc.wait()`). With stdout as a pipe,
  /// read it first (or use communicate()): a child blocked on a full pipe never ends.
  [[nodiscard]] Task<int> wait();
  /// Sends `input` to its stdin and closes it, reads stdout and stderr to their end, all at
  /// once, then waits for it (Python: `await proc.communicate(input)`). A child that stops
  /// reading early does not make this fail: the rest of the input is dropped.
  [[nodiscard]] Task<Output> communicate(std::string input = {});
  /// Sends `signal`; does nothing once it has been waited for.
  void send_signal(int signal);
  /// SIGTERM (Python: `terminate()`).
  void terminate() { send_signal(SIGTERM); }
  /// SIGKILL (Python: `kill()`).
  void kill() { send_signal(SIGKILL); }

  /// Its stdin; throws std::logic_error unless it is a pipe (Python: `proc.stdin`).
  StreamWriter& in();
  /// Its stdout; the same (Python: `proc.stdout`).
  StreamReader& out();
  /// Its stderr; the same (Python: `proc.stderr`).
  StreamReader& err();

  /// See create_subprocess_exec.
  Process(std::shared_ptr<detail::Child> child, std::optional<Streams> in, std::optional<Streams> out,
          std::optional<Streams> err) noexcept;

private:
  std::shared_ptr<detail::Child> child_;
  std::optional<Streams> in_, out_, err_;
};
// [process]

/// Starts `program` (looked up in PATH when it has no slash) with `args`, as a child of this
/// process (Python: `await asyncio.create_subprocess_exec(program, *args, stdin=..., ...)`).
/// Throws OSError if it cannot be started: ENOENT for a program that does not exist.
Task<Process> create_subprocess_exec(std::string program, std::vector<std::string> args = {},
                                     SubprocessOptions options = {});

} // namespace aio
