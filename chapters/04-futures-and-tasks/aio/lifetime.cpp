// Who keeps a task's frame alive, and when it is freed.
//
// [states]
// Three things can need a started task's frame; it is freed, at once, when none does:
//
//   | owned (a Task object) | claimed (by the loop) | holds (awaiters, callbacks) | the frame           |
//   |-----------------------|-----------------------|-----------------------------|---------------------|
//   | yes                   | any                   | any                         | stays: read it      |
//   | no                    | yes                   | any                         | stays: runs on      |
//   | no                    | no                    | > 0                         | stays: being read   |
//   | no                    | no                    | 0                           | freed               |
//
// `owned` ends when the Task object goes (dropping it detaches a running task); `claimed`
// starts with create_task and ends when the task finishes or is abandoned (its loop closed, or
// aio::run gave up on it); `holds` counts the coroutines awaiting it and its done callbacks.
// A coroutine never started, dropped by its owner, is destroyed and reported as never awaited.
// [states]
#include "aio/promise.hpp"

#include "aio/diagnostics.hpp"

#include <cstdint>
#include <stdexcept>

namespace aio::detail {

// [lifetime-impl]
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

void PromiseBase::hold() {
  if (holds_ == UINT16_MAX) throw std::length_error("more than 65535 coroutines await one task at once");
  ++holds_;
}

void PromiseBase::release_if_unowned() noexcept {
  if (!owned_ && !claimed_ && holds_ == 0) handle().destroy();
}
// [lifetime-impl]

void PromiseBase::abandon(const char* why) noexcept {
  if (!claimed_) return;
  if (parked_on_ != nullptr) std::exchange(parked_on_, nullptr)->abandon(*this); // unlinked, not woken
  claimed_ = false;
  TrackedList::erase(*this);
  if (why != nullptr) {
    try {
      report({Pitfall::destroyed_pending, describe() + " was destroyed while pending: " + why, origin_,
              "await every task you create before main returns (or keep the loop running until they finish)"});
    } catch (...) { // reporting must not throw out of the loop's close()
    }
  }
  ++holds_;             // its waiters will never run: drop them (a done callback among them may hold
  discard_waiters(why); // this frame, and lets go of it here), then free the frame if nobody needs it
  let_go();
}

void PromiseBase::discard(const char* why) noexcept {
  parked_on_ = nullptr; // whoever discards it has taken it out of its queue already
  abandon(why);
}

void PromiseBase::report_left_pending() const noexcept {
  try {
    report({Pitfall::destroyed_pending, describe() + " was still pending when aio::run() returned: it was cancelled",
            origin_,
            "await every task you create before main returns, or cancel it and await it (a TaskGroup does both)"});
  } catch (...) { // reporting must not throw out of aio::run's cleanup
  }
}

PromiseBase::~PromiseBase() {
  if (is_task() && unretrieved()) report_unretrieved(describe(), origin_);
}

} // namespace aio::detail
