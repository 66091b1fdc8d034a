// A task's transfers: starting it (as a task, or inline), parking it, running its next step,
// and where control goes when its body has finished.
#include "aio/promise.hpp"

#include <stdexcept>

namespace aio::detail {

std::string PromiseBase::name() const {
  if (name_) return *name_;
  if (!is_task()) return std::string(origin_.name());
  return "Task-" + std::to_string(number_);
}

std::string PromiseBase::describe() const {
  return "task '" + name() + "' (coroutine '" + std::string(origin_.name()) + "')";
}

PromiseBase& PromiseBase::running(const char* what) {
  if (current_ == nullptr) throw std::logic_error(std::string(what) + ": start it with aio::run or aio::create_task");
  return *current_;
}

// [start]
void PromiseBase::start(EventLoop& loop, std::string name) {
  if (started_) throw std::logic_error("create_task() needs a coroutine that has not started yet");
  loop.schedule(*this); // first, so that a closed loop throws before anything changes
  bind(loop);
  started_ = true;
  claimed_ = true; // the loop keeps the task until it finishes, whoever owns its Task object
  number_ = loop.tracked().number_next();
  if (!name.empty()) set_name(std::move(name));
  waiting_ = this;
  loop.tracked().push_front(*this); // the loop's list of its tasks (registry.cpp)
}

std::coroutine_handle<> PromiseBase::start_inline(PromiseBase& parent) {
  started_ = true;
  parent_ = &parent;
  if (parent.loop() != nullptr) bind(*parent.loop());
  StepTimer::switch_to(origin_);
  return handle();
}
// [start]

// [suspend]
PromiseBase& PromiseBase::suspending(PromiseBase& innermost, const char* what) {
  PromiseBase& task = running(what);
  task.waiting_ = &innermost;
  return task;
}

void PromiseBase::wake() noexcept {
  if (loop()->is_closed()) [[unlikely]] {
    discard("it can never be woken: its event loop is closed");
  } else {
    loop()->schedule(*this);
  }
}

void PromiseBase::run() {
  if (!begun_ && !begin()) [[unlikely]] // its first step: begin() says whether it runs at all
    return;
  PromiseBase* const outer = std::exchange(current_, this);
  parked_on_ = nullptr;        // woken: whatever it waited on is over
  waiting_->handle().resume(); // may finish the task and free this frame: `this` is not used after
  current_ = outer;
}
// [suspend]

// [finished]
std::coroutine_handle<> PromiseBase::on_finished() noexcept {
  if (parent_ != nullptr) {
    StepTimer::switch_to(parent_->origin_);
    return parent_->handle(); // symmetric transfer back to the awaiter
  }
  claimed_ = false; // a task: finish() has queued its waiters; the loop lets go of it
  TrackedList::erase(*this);
  release_if_unowned();
  return std::noop_coroutine();
}
// [finished]

void PromiseBase::fail(std::exception_ptr error) noexcept {
  try {
    std::rethrow_exception(error);
  } catch (const CancelledError&) {
    finish(FutureState::cancelled);
  } catch (...) {
    finish(FutureState::finished, std::move(error));
  }
}

} // namespace aio::detail
