// Cancelling a task (chapter 06 teaches it): the request goes to what the task is parked on,
// which wakes it, passes the request on, or refuses; and the report of a task that swallowed it.
#include "aio/promise.hpp"

#include "aio/diagnostics.hpp"

#include <cstdint>

namespace aio::detail {

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
  if (in_cancel_) return false; // tasks that await each other in a ring: see cancel_awaited_task
  if (parked_on_ == nullptr) {  // running, or queued: the error waits for its next co_await
    if (cancelling_ < UINT8_MAX) ++cancelling_;
    must_cancel_ = true; // thrown by Resume when it runs
    return true;
  }
  ++holds_; // a wake-up on a closed loop abandons the task: its frame stays until this returns
  const Parking::Cancelled outcome = cancel_parking();
  if (outcome != Parking::Cancelled::refused && cancelling_ < UINT8_MAX) ++cancelling_;
  if (outcome == Parking::Cancelled::woken) must_cancel_ = true;
  let_go();
  return outcome != Parking::Cancelled::refused;
}

// A task cancelled before its first step: it ends cancelled, and its body never runs.
void PromiseBase::end_unbegun() noexcept {
  must_cancel_ = false;
  finish(FutureState::cancelled);
  on_finished();
}

Parking::Cancelled PromiseBase::cancel_parking() noexcept {
  in_cancel_ = true;
  const Parking::Cancelled outcome = parked_on_->cancel(*this);
  in_cancel_ = false;
  if (outcome == Parking::Cancelled::woken) parked_on_ = nullptr; // queued to run: no longer parked
  return outcome;
}
// [cancel-impl]

// [cancel-awaited]
Parking::Cancelled cancel_awaited(FutureBase& future) noexcept {
  if (future.cancel()) return Parking::Cancelled::passed_on; // it ends cancelled, and wakes the task
  // Refused (a gather whose work is done), or done already: then the task is queued to run.
  return future.composite() && !future.done() ? Parking::Cancelled::refused : Parking::Cancelled::woken;
}

Parking::Cancelled cancel_awaited_task(PromiseBase& awaited, PromiseBase& task) noexcept {
  if (awaited.cancel()) return Parking::Cancelled::passed_on; // it passes the error on when it stops
  if (!awaited.done()) { // it would not take it (it awaits a ring being cancelled): stop waiting for it
    awaited.remove_waiter(task);
    task.wake();
  }
  return Parking::Cancelled::woken;
}
// [cancel-awaited]

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

} // namespace aio::detail
