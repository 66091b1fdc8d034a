// TaskGroup: counting its tasks, aborting on the first failure, and the scope's exit.
#include "aio/task_group.hpp"

#include "aio/diagnostics.hpp"

#include <string>

namespace aio {
namespace {

std::string first_message(const std::vector<std::exception_ptr>& errors) {
  if (errors.empty()) throw std::invalid_argument("an ExceptionGroup needs at least one exception");
  return std::to_string(errors.size()) + (errors.size() == 1 ? " failure" : " failures") +
         " in a task group; the first: " + message_of(errors.front());
}

} // namespace

ExceptionGroup::ExceptionGroup(std::vector<std::exception_ptr> errors)
    : std::runtime_error(first_message(errors)), errors_(std::move(errors)) {}

TaskGroup::TaskGroup() : parent_(detail::PromiseBase::running("a TaskGroup needs to run in a task")) {}

// [group-abort]
void TaskGroup::finished(detail::PromiseBase& task) {
  --running_;
  if (!task.cancelled()) {
    if (std::exception_ptr error = task.exception()) {
      errors_.push_back(std::move(error));
      abort();
    }
  }
  if (running_ == 0 && all_done_ && !all_done_->done()) all_done_->set_result();
}

void TaskGroup::abort() noexcept {
  if (aborting_) return;
  aborting_ = true;
  for (auto& child : children_) child->cancel(); // those already done say no
  if (!exiting_) {                               // the body still runs: stop it too, at its next co_await
    cancelled_parent_ = true;
    parent_.cancel();
  }
}
// [group-abort]

void TaskGroup::body_ended(std::exception_ptr error) noexcept {
  exiting_ = true;
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const CancelledError&) {
    saw_cancel_ = true;
  } catch (...) {
    errors_.push_back(error);
  }
  abort();
}

// [group-join]
Task<> TaskGroup::join() {
  while (running_ > 0) {
    all_done_ = std::make_unique<Future<>>(EventLoop::get_running_loop());
    try {
      co_await *all_done_;
    } catch (const CancelledError&) { // the scope's task was cancelled from outside while it waits
      saw_cancel_ = true;
      abort();
    }
  }
  all_done_.reset();
  if (cancelled_parent_) parent_.uncancel(); // that cancellation was the group's own
  if (!errors_.empty()) throw ExceptionGroup(std::move(errors_));
  if (saw_cancel_ && parent_.cancelling() > 0) throw CancelledError(); // someone else's: it goes on
}
// [group-join]

} // namespace aio
