// The task dump: snapshots of the pending tasks, their text, and the deadlock explainer.
#include "aio/debug.hpp"

#include "aio/diagnostics.hpp"
#include "aio/event_loop.hpp"

#include <cstddef>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

namespace aio {

// [snapshot-impl]
std::vector<TaskSnapshot> snapshot_tasks() {
  const detail::PromiseBase* const running = detail::PromiseBase::current();
  std::vector<TaskSnapshot> tasks;
  for (const TaskRef& ref : all_tasks()) { // the running loop's, oldest first
    detail::PromiseBase* const task = &detail::Access::promise(ref);
    TaskSnapshot snapshot{ref, task->name(), TaskSnapshot::State::ready, {}, {}, {}, {}, task->cancelling()};
    if (task == running) { // its coroutines are running: only the outermost is known for sure
      snapshot.state = TaskSnapshot::State::running;
      snapshot.stack.push_back({task->coroutine(), 0});
    } else {
      if (const detail::Parking* parking = task->parked_on()) {
        snapshot.state = task->scheduled() ? TaskSnapshot::State::sleeping : TaskSnapshot::State::awaiting;
        snapshot.waits_on = parking->describe(); // "waits on a Lock": what it is parked on says
      }
      // Suspended: from the coroutine it waits in, out through each one awaiting the next.
      for (const detail::PromiseBase* frame = task->innermost(); frame != nullptr; frame = frame->awaiter())
        snapshot.stack.push_back({frame->coroutine(), frame->suspended_at()});
    }
    if (detail::PromiseBase* awaited = task->parked_on() ? task->parked_on()->awaited_task() : nullptr) {
      snapshot.awaited_task.emplace(*awaited);
      snapshot.awaited_name = awaited->name();
    }
    tasks.push_back(std::move(snapshot));
  }
  return tasks;
}
// [snapshot-impl]

namespace {

// The text of line `line` of a course source file, trimmed; empty if it cannot be read.
class SourceLines {
public:
  std::string get(const char* file, unsigned line) {
    auto [it, added] = files_.try_emplace(file);
    if (added) {
      std::ifstream in(std::string(AIO_SOURCE_ROOT) + "/" + file);
      for (std::string text; std::getline(in, text);) it->second.push_back(std::move(text));
    }
    if (line == 0 || line > it->second.size()) return {};
    const std::string& text = it->second[line - 1];
    const auto first = text.find_first_not_of(" \t");
    return first == std::string::npos ? std::string() : text.substr(first);
  }

private:
  std::map<std::string, std::vector<std::string>> files_;
};

const char* what_it_does(const TaskSnapshot& task) {
  switch (task.state) {
  case TaskSnapshot::State::running: return "is running (it asked for this dump)";
  case TaskSnapshot::State::ready: return "is ready to run";
  case TaskSnapshot::State::sleeping: return "is asleep: a timer will wake it";
  case TaskSnapshot::State::awaiting: return "waits"; // (what it waits on says more: waits_on)
  }
  return "?";
}

// Index of the task `ref` in `tasks`, or tasks.size().
std::size_t index_of(const std::vector<TaskSnapshot>& tasks, const TaskRef& ref) {
  std::size_t i = 0;
  while (i < tasks.size() && !(tasks[i].task == ref)) ++i;
  return i;
}

// Tasks that wait for each other in a ring: none of them can ever finish. Each ring once.
void write_rings(std::ostream& out, const std::vector<TaskSnapshot>& tasks) {
  for (std::size_t start = 0; start < tasks.size(); ++start) {
    std::vector<std::size_t> path{start};
    std::size_t at = start;
    while (tasks[at].awaited_task && path.size() <= tasks.size()) {
      at = index_of(tasks, *tasks[at].awaited_task);
      if (at >= tasks.size() || at < start) break; // not pending here, or a ring counted from a smaller index
      if (at == start) {
        out << "  these tasks wait for each other in a ring, so none can finish:";
        for (std::size_t i : path) out << " '" << tasks[i].name << "' ->";
        out << " '" << tasks[start].name << "'\n";
        break;
      }
      path.push_back(at);
    }
  }
}

} // namespace

// [format]
std::string format_tasks(const std::vector<TaskSnapshot>& tasks) {
  std::ostringstream out;
  SourceLines source;
  out << "  " << tasks.size() << (tasks.size() == 1 ? " task is" : " tasks are") << " pending:\n";
  for (const TaskSnapshot& task : tasks) {
    out << "  task '" << task.name << "' ";
    if (task.awaited_task) {
      out << "awaits task '" << task.awaited_name << "'";
    } else if (!task.waits_on.empty()) {
      out << task.waits_on;
    } else {
      out << what_it_does(task);
    }
    if (task.cancelling > 0) out << ", being cancelled";
    out << '\n';
    for (const StackFrame& frame : task.stack) {
      const unsigned line = frame.line != 0 ? frame.line : frame.coroutine.line;
      out << "    " << (frame.line != 0 ? "at " : "in ") << frame.coroutine.name() << ", " << frame.coroutine.file
          << ':' << line;
      if (const std::string text = frame.line != 0 ? source.get(frame.coroutine.file, line) : ""; !text.empty())
        out << ": " << text;
      out << '\n';
    }
  }
  write_rings(out, tasks);
  std::string text = out.str();
  if (!text.empty()) text.pop_back(); // reports add their own line breaks
  return text;
}
// [format]

void print_tasks(std::ostream& out) { out << format_tasks(snapshot_tasks()) << '\n'; }

namespace {

// [explainer]
// From this chapter on, a deadlock report lists every task and what it waits for.
std::string explain_deadlock_with_tasks() {
  if (!EventLoop::is_any_running()) return {};
  std::vector<TaskSnapshot> tasks = snapshot_tasks();
  return tasks.empty() ? std::string() : format_tasks(tasks);
}

[[maybe_unused]] const bool installed = (set_deadlock_explainer(&explain_deadlock_with_tasks), true);
// [explainer]

} // namespace
} // namespace aio

// Named by the chapter's link options, so that every program linked with chapter 09 includes
// this file, and with it the explainer above, even if it calls nothing declared here.
extern "C" void aio_ch09_task_dump() {}
