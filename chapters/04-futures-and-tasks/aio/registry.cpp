// current_task() and all_tasks(), read from the running loop's list.
#include "aio/registry.hpp"

namespace aio {

std::optional<TaskRef> current_task() noexcept {
  if (detail::PromiseBase::current() == nullptr) return std::nullopt;
  return TaskRef(*detail::PromiseBase::current());
}

std::vector<TaskRef> all_tasks() {
  const EventLoop& loop = EventLoop::get_running_loop();
  std::vector<TaskRef> tasks;
  for (auto* task = detail::first_task(loop); task != nullptr; task = detail::next_task(loop, *task))
    tasks.emplace_back(*task);
  return {tasks.rbegin(), tasks.rend()}; // the list is newest first
}

} // namespace aio
