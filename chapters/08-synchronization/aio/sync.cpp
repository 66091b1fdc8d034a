// The primitives' out-of-line parts: Condition's wait and notify, Barrier's rounds.
#include "aio/barrier.hpp"
#include "aio/condition.hpp"

#include <exception>
#include <stdexcept>
#include <string>

namespace aio {

// [condition-wait]
Task<> Condition::wait() {
  check_held("wait");
  lock_->release();
  std::exception_ptr cancelled;
  try {
    co_await detail::Granted(waiters_); // notified, then cancelled: the notification goes on
  } catch (const CancelledError&) {
    cancelled = std::current_exception();
  }
  // The caller's code after wait() expects the lock: take it back whatever happened, even if
  // another cancellation comes meanwhile (a handler cannot co_await, hence the loop).
  for (;;) {
    try {
      co_await lock_->acquire();
      break;
    } catch (const CancelledError&) {
      cancelled = std::current_exception();
    }
  }
  if (cancelled) std::rethrow_exception(cancelled);
}
// [condition-wait]

void Condition::notify(std::size_t n) {
  check_held("notify");
  for (std::size_t i = 0; i < n && waiters_.grant_first(); ++i) {}
}

void Condition::notify_all() {
  check_held("notify_all");
  waiters_.grant_all();
}

void Condition::check_held(const char* what) const {
  if (!lock_->locked())
    throw std::logic_error(std::string("Condition::") + what +
                           "(): the condition's lock is not held (take it first: auto guard = co_await "
                           "cond.scoped();)");
}

Barrier::Barrier(std::size_t parties) : parties_(parties) {
  if (parties == 0) throw std::invalid_argument("a Barrier needs at least one party");
}

std::size_t Barrier::pass() noexcept {
  std::size_t place = 0;
  while (waiters_.grant_first(place)) ++place;
  return place;
}

void Barrier::abort() noexcept {
  broken_ = true;
  waiters_.grant_all(detail::Waiter::refused);
}

void Barrier::reset() noexcept {
  waiters_.grant_all(detail::Waiter::refused);
  broken_ = false;
}

} // namespace aio
