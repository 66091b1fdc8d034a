// The runtime's event loop: passes, stop and close, the running loop, and the deadlock report.
#include "aio/event_loop.hpp"

#include "aio/diagnostics.hpp"

#include <stdexcept>

namespace aio {
namespace {

thread_local EventLoop* running_loop = nullptr;

// Marks a loop as the running one for a scope; refuses a second loop on the same thread.
class Running {
public:
  Running(EventLoop* loop, bool& flag, Origin caller) : flag_(flag) {
    if (running_loop != nullptr) {
      report({Pitfall::nested_run, "a loop was started while another loop is running on this thread", caller,
              "inside a coroutine, co_await instead of starting a loop; one loop runs per thread"});
      throw std::logic_error("cannot run a loop while another loop is running on this thread");
    }
    running_loop = loop;
    flag_ = true;
  }
  ~Running() {
    running_loop = nullptr;
    flag_ = false;
  }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;

private:
  bool& flag_;
};

} // namespace

namespace detail {

void Callback::run() {
  const auto self = std::move(self_); // alive until the call returns, even if its Handle is gone
  struct Done {
    Callback& callback;
    ~Done() {
      callback.running_ = false;
      callback.release(); // it ran: what it captured goes now, not when its last Handle does
    }
  } done{*this};
  if (cancelled_) return;
  running_ = true;
  call();
}

void Callback::cancel() noexcept {
  cancelled_ = true;
  // A timer leaves the heap at once. A callback already in the ready queue stays linked there
  // (the queue is singly linked); it keeps itself alive until its turn, and is skipped.
  if (loop_.cancel(*this)) self_.reset();
  if (!running_) release(); // if it is cancelling itself, run() releases once the call returns
}

void Callback::discard() noexcept {
  release();
  self_.reset();
}

} // namespace detail

EventLoop::EventLoop(Clock& clock) : clock_(clock), own_selector_(clock), selector_(own_selector_) {}
EventLoop::EventLoop(Clock& clock, Selector& selector) : clock_(clock), own_selector_(clock), selector_(selector) {}
EventLoop::~EventLoop() { close(); }

bool EventLoop::is_any_running() noexcept { return running_loop != nullptr; }

EventLoop& EventLoop::get_running_loop() {
  if (running_loop == nullptr) throw std::logic_error("no running event loop: this must be called from inside one");
  return *running_loop;
}

void EventLoop::check_open() const {
  if (closed_) throw std::logic_error("the event loop is closed");
}

void EventLoop::schedule(Runnable& work) {
  check_open();
  ready_.push(work);
}

void EventLoop::schedule_at(TimerNode& timer, TimePoint when) {
  check_open();
  timers_.push(timer, when);
}

void EventLoop::run_forever() {
  Running running(this, running_, Origin::here());
  // At least one pass, as asyncio: stop() called before run_forever() runs what is queued once.
  do {
    pass();
  } while (!stopping_);
  stopping_ = false;
}

void EventLoop::run_once() {
  Running running(this, running_, Origin::here());
  pass();
}

// [pass]
void EventLoop::pass() {
  check_open();
  if (ready_.empty() && !stopping_) {
    if (timers_.empty() && !selector_.has_sources()) report_deadlock();
    selector_.select(*this, timers_.empty() ? std::nullopt : std::optional(timers_.next_deadline()));
  } else if (&selector_ != &own_selector_ && selector_.has_sources()) { // (the timer selector never has any)
    selector_.select(*this, clock_.now()); // work is ready: poll without waiting, so a busy loop still sees I/O
  }
  if (!timers_.empty()) { // no timer, no need to read the clock
    const TimePoint now = clock_.now();
    while (!timers_.empty() && timers_.next_deadline() <= now) ready_.push(timers_.pop());
  }

  ReadyQueue pass = ready_.take(); // exactly what is ready now; new work waits for the next pass
  while (!pass.empty()) {
    Runnable& work = pass.pop();
    try {
      StepTimer::Step step(step_timer_, work.origin(), 0, work.kind()); // timed, if debug checks are on
      work.run();
    } catch (...) {
      ready_.prepend(pass); // the rest of this pass is not lost
      throw;                // asyncio logs and carries on; the course prefers to stop loudly
    }
  }
}
// [pass]

void EventLoop::close() noexcept {
  if (closed_) return;
  closed_ = true;
  while (!ready_.empty()) ready_.pop().discard();
  while (!timers_.empty()) timers_.pop().discard();
}

void EventLoop::report_deadlock() const {
  report({Pitfall::deadlock,
          "the event loop would wait forever: nothing is ready, no timer is set, and nothing could call stop()",
          {},
          "schedule the work that ends the run, or call stop() when it is done; a loop with nothing to do "
          "waits for ever in asyncio",
          explain_deadlock()}); // from chapter 09 on: every task, and what it waits for
  throw std::runtime_error("deadlock: the event loop has nothing to run and nothing to wait for");
}

} // namespace aio
