// Seeing inside a running program: every pending task with its async stack (Python:
// asyncio.all_tasks() and task.print_stack(), which stop at the task's edge), and what each
// one waits for. The same dump is the body of every deadlock report from this chapter on.
#pragma once

#include "aio/task.hpp"

#include "aio/origin.hpp"

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace aio {

// [snapshot]
/// One coroutine of a task's async stack.
struct StackFrame {
  Origin coroutine; ///< Its name, and where it is defined.
  unsigned line;    ///< The line of the co_await it is suspended at; 0 if not known.
};

/// What a pending task is doing, as a dump shows it.
struct TaskSnapshot {
  /// Where it is in its life.
  enum class State {
    running,  ///< it made the dump: its step is running now
    ready,    ///< queued to run in the loop's next pass
    sleeping, ///< in the timer heap (aio::sleep, or a cancelled task's wake-up)
    awaiting, ///< parked on something: a future, another task, a Lock... (see waits_on)
  };

  TaskRef task;                        ///< The task itself.
  std::string name;                    ///< Its name ("Task-3", or the one given to create_task).
  State state;                         ///< See State.
  std::vector<StackFrame> stack;       ///< Innermost coroutine first; the task's own coroutine last.
  std::string waits_on;                ///< What it is parked on says it does: "waits on a Lock".
  std::optional<TaskRef> awaited_task; ///< The task it waits for, if it waits for one.
  std::string awaited_name;            ///< That task's name.
  int cancelling;                      ///< cancel() requests pending (Python: task.cancelling()).
};

/// Every pending task of the running loop, oldest first, with its async stack.
std::vector<TaskSnapshot> snapshot_tasks();

/// The text of a dump: per task, what it waits for and its stack, innermost first, each frame
/// with the source line it waits at; tasks that wait for each other in a ring are named.
std::string format_tasks(const std::vector<TaskSnapshot>& tasks);

/// Writes format_tasks(snapshot_tasks()) to `out`: call it from a task, or from a debugger.
void print_tasks(std::ostream& out);
// [snapshot]

} // namespace aio
