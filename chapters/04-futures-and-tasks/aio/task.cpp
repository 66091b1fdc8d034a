// Tasks: starting, waking, finishing, owning and dropping them; current_task and all_tasks.
#include "aio/task.hpp"

#include "aio/diagnostics.hpp"
#include "aio/run.hpp"

#include <stdexcept>

namespace aio {
namespace detail {

std::string PromiseBase::name() const {
  if (name_) return *name_;
  if (!is_task()) return std::string(origin_.name());
  return "Task-" + std::to_string(number_);
}

std::string PromiseBase::describe() const {
  return "task '" + name() + "' (coroutine '" + std::string(origin_.name()) + "')";
}

// [start]
void PromiseBase::start(EventLoop& loop, std::string name) {
  if (started_) throw std::logic_error("create_task() needs a coroutine that has not started yet");
  loop.schedule(*this); // first, so that a closed loop throws before anything changes
  bind(loop);
  started_ = true;
  claimed_ = true; // the loop keeps the task until it finishes, whoever owns its Task object
  number_ = ++tasks_created_;
  if (!name.empty()) set_name(std::move(name));
  waiting_ = this;
  link();
}

std::coroutine_handle<> PromiseBase::start_inline(PromiseBase& parent) {
  started_ = true;
  parent_ = &parent;
  if (parent.loop() != nullptr) bind(*parent.loop());
  StepTimer::switch_to(origin_);
  return handle();
}
// [start]

namespace {
// Cancels what a task waits for: another task (which passes the error on when it stops) or a
// future. False if it was done already.
bool cancel_awaited(FutureBase& awaited, bool is_task) noexcept {
  return is_task ? static_cast<PromiseBase&>(awaited).cancel() : awaited.cancel();
}
} // namespace

// [suspend]
PromiseBase& PromiseBase::suspend(PromiseBase& innermost, FutureBase* future, bool future_is_task) {
  PromiseBase* const task = &running("only a coroutine running in a task can wait");
  task->waiting_ = &innermost;
  if (future != nullptr) {
    task->waiting_for_ = future;
    task->waiting_on_task_ = future_is_task;
    // Cancelled while it ran: what it now waits for is cancelled instead (as asyncio does), and
    // the error comes back from there.
    if (task->must_cancel_ && cancel_awaited(*future, future_is_task)) task->must_cancel_ = false;
    future->add_waiter(*task);
  }
  return *task;
}

void PromiseBase::run() {
  if (!begun_) [[unlikely]] {
    begun_ = true;
    if (must_cancel_) { // cancelled before its first step: the body never runs
      must_cancel_ = false;
      finish(FutureState::cancelled);
      on_finished();
      return;
    }
  }
  PromiseBase* const outer = std::exchange(current_, this);
  waiting_for_ = nullptr;
  waiting_->handle().resume(); // may finish the task and free this frame: `this` is not used after
  current_ = outer;
}
// [suspend]

PromiseBase& PromiseBase::running(const char* what) {
  if (current_ == nullptr) throw std::logic_error(std::string(what) + ": start it with aio::run or aio::create_task");
  return *current_;
}

// [cancel-impl]
bool PromiseBase::cancel() noexcept {
  if (done()) return false;
  if (!started_) { // never started, and now never will
    started_ = true;
    if (loop() == nullptr && EventLoop::is_any_running()) bind(EventLoop::get_running_loop()); // for its waiters
    finish(FutureState::cancelled);
    return true;
  }
  if (!is_task()) { // runs inline: its task is the one to cancel
    PromiseBase* task = this;
    while (task->parent_ != nullptr) task = task->parent_;
    return task != this && task->cancel();
  }
  if (in_cancel_) return false; // tasks that await each other in a ring: see below
  bool passed_on = false;
  if (waiting_for_ != nullptr) {
    in_cancel_ = true;
    passed_on = cancel_awaited(*waiting_for_, waiting_on_task_);
    in_cancel_ = false;
    if (!passed_on && waiting_for_->composite()) return false; // refused: a gather whose work is all done
  }
  if (cancelling_ < UINT8_MAX) ++cancelling_;
  if (passed_on) return true;                             // the CancelledError comes back from what it awaited
  if (waiting_for_ != nullptr && !waiting_for_->done()) { // it awaits a task of the ring being cancelled
    waiting_for_->remove_waiter(*this);                   // stop waiting
    waiting_for_ = nullptr;
    must_cancel_ = true;
    loop()->schedule(*this);
    return true;
  }
  must_cancel_ = true; // thrown by the awaiter when the task resumes
  if (scheduled()) {   // asleep in the timer heap: wake it now
    loop()->cancel(*this);
    loop()->schedule(*this);
  }
  return true;
}

void PromiseBase::fail(std::exception_ptr error) noexcept {
  try {
    std::rethrow_exception(error);
  } catch (const CancelledError&) {
    finish(FutureState::cancelled);
  } catch (...) {
    finish(FutureState::finished, std::move(error));
  }
}
// [cancel-impl]

// [finished]
std::coroutine_handle<> PromiseBase::on_finished() noexcept {
  if (parent_ != nullptr) {
    StepTimer::switch_to(parent_->origin_);
    return parent_->handle(); // symmetric transfer back to the awaiter
  }
  claimed_ = false; // a task: finish() has queued its waiters; the loop lets go of it
  unlink();
  if (cancelling_ > 0 && state() == FutureState::finished && !failed()) report_swallowed();
  release_if_unowned();
  return std::noop_coroutine();
}
// [finished]

void PromiseBase::drop_owner() noexcept {
  owned_ = false;
  if (!started_) {
    report({Pitfall::never_run, "coroutine '" + std::string(origin_.name()) + "' was never awaited", origin_,
            "co_await it, or start it with aio::create_task(...) and co_await the task later"});
    handle().destroy();
    return;
  }
  release_if_unowned(); // a task the loop still runs stays: dropping its Task detaches it
}

void PromiseBase::release_if_unowned() noexcept {
  if (!owned_ && !claimed_ && holds_ == 0) handle().destroy();
}

void PromiseBase::abandon(const char* why) noexcept {
  if (!claimed_) return;
  if (waiting_for_ != nullptr) waiting_for_->remove_waiter(*this);
  waiting_for_ = nullptr;
  if (loop() != nullptr) loop()->cancel(*this); // out of the timer heap, if it is there
  claimed_ = false;
  unlink();
  if (why != nullptr) {
    try {
      report({Pitfall::destroyed_pending, describe() + " was destroyed while pending: " + why, origin_,
              "await every task you create before main returns (or keep the loop running until they finish)"});
    } catch (...) { // reporting must not throw out of the loop's close()
    }
  }
  ++holds_;          // its waiters will never run: drop them (a done callback among them may hold
  discard_waiters(); // this frame, and lets go of it here), then free the frame if nobody needs it
  let_go();
}

void PromiseBase::report_left_pending() const noexcept {
  try {
    report({Pitfall::destroyed_pending, describe() + " was still pending when aio::run() returned: it was cancelled",
            origin_,
            "await every task you create before main returns, or cancel it and await it (a TaskGroup does both)"});
  } catch (...) { // reporting must not throw out of aio::run's cleanup
  }
}

void PromiseBase::report_swallowed() const noexcept {
  try {
    report({Pitfall::cancellation_swallowed,
            describe() + " was cancelled, but finished as if nothing happened: it caught aio::CancelledError (or " +
                "awaited something that did) and did not rethrow it",
            origin_,
            "after cleaning up in catch (const aio::CancelledError&), rethrow with `throw;`, or clean up with RAII "
            "and let it pass: a task that swallows its cancellation cannot be stopped by wait_for, timeout, "
            "TaskGroup or aio::run"});
  } catch (...) { // reporting must not throw out of a finishing task
  }
}

void PromiseBase::discard() noexcept {
  waiting_for_ = nullptr; // whoever discards it has taken it out of its queue already
  abandon(closing_.active
              ? closing_.why
              : "it can never be woken (its event loop was closed, or the future it awaited was destroyed)");
}

PromiseBase::~PromiseBase() {
  if (is_task() && unretrieved()) report_unretrieved(describe(), origin_);
}

void PromiseBase::link() noexcept {
  next_task_ = pending_head_;
  if (next_task_ != nullptr) next_task_->prev_task_ = this;
  pending_head_ = this;
}

void PromiseBase::unlink() noexcept {
  if (prev_task_ != nullptr) {
    prev_task_->next_task_ = next_task_;
  } else if (pending_head_ == this) {
    pending_head_ = next_task_;
  }
  if (next_task_ != nullptr) next_task_->prev_task_ = prev_task_;
  prev_task_ = next_task_ = nullptr;
}

void refuse_nested_run(Origin caller) {
  report({Pitfall::nested_run, "aio::run() was called from inside a running event loop", caller,
          "inside a coroutine, co_await the coroutine (or aio::create_task it); aio::run is for main() only"});
  throw std::logic_error("aio::run() cannot be called from a running event loop");
}

// [finish-run]
void finish_run(EventLoop& loop, bool report) noexcept {
  // As asyncio.run does: cancel what is left, and run the loop until it has all finished, so
  // that every task's cleanup (its catch blocks, its locals' destructors) runs on the loop.
  const auto left = [&loop] {
    std::size_t n = 0;
    for (PromiseBase* task = PromiseBase::first_pending(); task != nullptr; task = task->next_pending())
      n += task->loop() == &loop ? 1 : 0;
    return n;
  };
  for (PromiseBase* task = PromiseBase::first_pending(); task != nullptr; task = task->next_pending()) {
    if (task->loop() != &loop) continue;
    if (report) task->report_left_pending();
    task->cancel();
  }
  try {
    while (left() > 0) loop.run_once();
  } catch (...) { // a task that cannot finish (it swallowed the cancellation, then deadlocked): dropped below
  }
  const char* const why = "it could not be cancelled when aio::run() returned";
  PromiseBase::closing(why, [&loop] { loop.close(); }); // the queued ones
  for (PromiseBase* task = PromiseBase::first_pending(); task != nullptr;) {
    if (task->loop() != &loop) {
      task = task->next_pending();
      continue;
    }
    task->abandon(why); // the ones waiting for a future; dropping one may drop others
    task = PromiseBase::first_pending();
  }
}
// [finish-run]

} // namespace detail

std::optional<TaskRef> current_task() noexcept {
  if (detail::PromiseBase::current() == nullptr) return std::nullopt;
  return TaskRef(*detail::PromiseBase::current());
}

std::vector<TaskRef> all_tasks() {
  const EventLoop* const loop = &EventLoop::get_running_loop();
  std::vector<TaskRef> tasks;
  for (auto* task = detail::PromiseBase::first_pending(); task != nullptr; task = task->next_pending())
    if (task->loop() == loop) tasks.emplace_back(*task);
  return {tasks.rbegin(), tasks.rend()}; // the list is newest first
}

} // namespace aio
