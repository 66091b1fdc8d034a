// The registry of tasks: every loop keeps the list of its pending tasks (chapter 03's
// TrackedList, filled by PromiseBase::start), which asyncio.all_tasks() reads, aio::run cancels
// at the end, and chapter 09's task dump walks.
#pragma once

#include "aio/event_loop.hpp"
#include "aio/promise.hpp"
#include "aio/task.hpp"

#include <optional>
#include <vector>

namespace aio {

namespace detail {
/// The newest pending task of `loop`, or null.
inline PromiseBase* first_task(const EventLoop& loop) noexcept {
  return static_cast<PromiseBase*>(loop.tracked().first());
}
/// The pending task of `loop` started before `task`, or null.
inline PromiseBase* next_task(const EventLoop& loop, const PromiseBase& task) noexcept {
  return static_cast<PromiseBase*>(loop.tracked().next(task));
}
} // namespace detail

/// The task whose step is running, or none outside a task (Python: `asyncio.current_task()`).
std::optional<TaskRef> current_task() noexcept;
/// The running loop's tasks that have not finished, oldest first (Python: `asyncio.all_tasks()`).
std::vector<TaskRef> all_tasks();

} // namespace aio
