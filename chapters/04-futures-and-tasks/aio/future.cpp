// Future's state machine: reading the outcome, finishing once, and the queue of waiters.
#include "aio/future.hpp"

#include "aio/diagnostics.hpp"

#include <cstdlib>
#include <cxxabi.h>
#include <string>
#include <typeinfo>

namespace aio::detail {
namespace {

// "std::runtime_error: no such user", for reports.
std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    int status = 0;
    char* type = abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status);
    std::string text = (status == 0 ? type : typeid(e).name()) + std::string(": ") + e.what();
    std::free(type);
    return text;
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

} // namespace

std::exception_ptr FutureBase::exception() {
  if (state_ == FutureState::pending) throw InvalidStateError("exception() of a future that is not done yet");
  if (state_ == FutureState::cancelled) throw CancelledError();
  retrieved_ = true;
  return error_;
}

void FutureBase::add_waiter(Runnable& waiter) {
  if (done()) {
    loop_->schedule(waiter);
  } else {
    waiters_.push(waiter);
  }
}

void FutureBase::remove_waiter(Runnable& waiter) noexcept {
  ReadyQueue others; // a singly linked queue: rebuild it without `waiter`
  while (!waiters_.empty()) {
    Runnable& next = waiters_.pop();
    if (&next != &waiter) others.push(next);
  }
  waiters_ = others;
}

bool FutureBase::cancel_parts() noexcept { return static_cast<CompositeFuture*>(this)->cancel_parts(); }

void FutureBase::check_pending(const char* what) const {
  if (state_ != FutureState::pending)
    throw InvalidStateError(std::string(what) + "() on a future that is already done: a future is set once");
}

void FutureBase::check_result() {
  if (state_ == FutureState::pending)
    throw InvalidStateError("result() of a future that is not done yet: co_await it, or check done() first");
  if (state_ == FutureState::cancelled) throw CancelledError();
  if (error_) {
    retrieved_ = true;
    std::rethrow_exception(error_);
  }
}

// [finish]
void FutureBase::finish(FutureState state, std::exception_ptr error) noexcept {
  state_ = state;
  error_ = std::move(error);
  const bool closed = loop_ == nullptr || loop_->is_closed();
  while (!waiters_.empty()) {
    Runnable& waiter = waiters_.pop();
    if (closed) {
      waiter.discard("it can never be woken: its event loop is closed"); // nobody will ever run it
    } else {
      loop_->schedule(waiter); // woken on the loop, in the order they came, never from here
    }
  }
}
// [finish]

void FutureBase::discard_waiters(const char* why) noexcept {
  while (!waiters_.empty()) waiters_.pop().discard(why);
}

FutureBase::~FutureBase() { discard_waiters("it can never be woken: the future it awaited was destroyed"); }

void FutureBase::report_unretrieved(const std::string& what, Origin origin) const noexcept {
  try {
    report({Pitfall::exception_never_retrieved,
            "exception never retrieved: " + what + " failed with " + describe(error_) + ", and nobody looked", origin,
            "co_await it (or call result() or exception()) and handle the error; a failure nobody reads is lost"});
  } catch (...) { // reporting must not throw out of a destructor
  }
}

} // namespace aio::detail
