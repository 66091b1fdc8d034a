// The runtime's event loop: passes, the inbox from other threads, stop and close, the running
// loop, the exception handler and the deadlock report.
#include "aio/event_loop.hpp"

#include "aio/diagnostics.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace aio {
namespace {

thread_local EventLoop* running_loop = nullptr;

// Marks a loop as the running one for a scope; refuses a second loop on the same thread.
class Running {
public:
  Running(EventLoop* loop, std::atomic<bool>& flag, Origin caller) : flag_(flag) {
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
  std::atomic<bool>& flag_;
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

void Callback::discard(const char*) noexcept {
  release();
  self_.reset();
}

} // namespace detail

EventLoop::EventLoop(Clock& clock) : clock_(clock), selector_(own_selector_) {}
EventLoop::EventLoop(Clock& clock, Selector& selector) : clock_(clock), selector_(selector) {}
EventLoop::~EventLoop() { close(); }

bool EventLoop::is_any_running() noexcept { return running_loop != nullptr; }

EventLoop& EventLoop::get_running_loop() {
  if (running_loop == nullptr) throw std::logic_error("no running event loop: this must be called from inside one");
  return *running_loop;
}

// [thread-check]
// The ready queue, the timer heap and the callbacks belong to the loop's thread. A call from
// any other thread while the loop runs would race with it (Python, in debug mode: "Non-thread-
// safe operation invoked on an event loop other than the current one"). One thread-local read
// on the right thread; the flag is read only on the wrong one.
void EventLoop::check_open() const {
  if (closed_) throw std::logic_error("the event loop is closed");
  if (running_loop != this && running_.load(std::memory_order_relaxed)) [[unlikely]]
    wrong_thread();
}
// [thread-check]

void EventLoop::wrong_thread() const {
  report({Pitfall::wrong_thread,
          "a task was woken or a callback scheduled from a thread that is not its event loop's, while the loop "
          "runs: the two threads race on the ready queue",
          {},
          "from another thread, send work with loop.call_soon_threadsafe(...); hand a blocking call to "
          "co_await aio::to_thread(...) and touch loop objects (tasks, Events, Queues) only on the loop's thread"});
  throw std::logic_error("a non-thread-safe operation of the event loop was called from another thread: use "
                         "call_soon_threadsafe");
}

void EventLoop::schedule(Runnable& work) {
  check_open();
  ready_.push(work);
}

void EventLoop::schedule_at(TimerNode& timer, TimePoint when) {
  check_open();
  timers_.push(timer, when);
}

void EventLoop::work_finished() noexcept {
  // The last one out wakes a sleeping loop: it may be waiting for this work alone.
  if (outstanding_work_.fetch_sub(1) == 1 && sleeping_.load()) selector_.wakeup();
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
  take_inbox();
  if (ready_.empty() && !stopping_) {
    wait_for_work();
  } else if (&selector_ != &own_selector_ && selector_.has_sources()) { // (the loop's own never has any)
    selector_.select(*this, Duration::zero()); // work is ready: a poll, so a busy loop still sees its I/O
  }
  if (!timers_.empty()) { // no timer, no need to read the clock
    const TimePoint now = clock_.now();
    while (!timers_.empty() && timers_.next_deadline() <= now) ready_.push(timers_.pop());
  }

  ReadyQueue pass = ready_.take(); // exactly what is ready now; new work waits for the next pass
  while (!pass.empty()) {
    Runnable& work = pass.pop();
    const Origin where = work.origin(); // (a callback that throws is gone by the time it is caught)
    try {
      StepTimer::Step step(step_timer_, where, 0, work.kind()); // timed, if debug checks are on
      work.run();
    } catch (...) {
      failed(where, pass);
    }
  }
}

void EventLoop::wait_for_work() {
  const bool timer = !timers_.empty();
  const std::size_t work = outstanding_work();
  // Sources, a timer or work outside the loop could still bring something; else nothing can.
  // (Work outside sends its result before it finishes: once the count reads 0, the inbox has it.)
  if (!timer && !selector_.has_sources() && work == 0) {
    take_inbox();
    if (ready_.empty()) report_deadlock();
    return;
  }
  if (clock_.is_virtual()) { // virtual time: move it on to the timer only once nothing else can happen
    const bool jump = timer && work == 0;
    const std::size_t events = sleep(jump ? std::optional(Duration::zero()) : std::nullopt, work);
    take_inbox();
    if (jump && events == 0 && ready_.empty()) clock_.advance_to(timers_.next_deadline());
    return;
  }
  std::optional<Duration> timeout;
  if (timer) timeout = std::max(Duration::zero(), timers_.next_deadline() - clock_.now());
  sleep(timeout, work);
  take_inbox();
}

// Asks the selector, and sleeps in it if `timeout` allows. `work`: what outstanding_work() said
// when the loop chose to wait; if that or the inbox has changed since, it does not sleep.
std::size_t EventLoop::sleep(std::optional<Duration> timeout, std::size_t work) {
  if (timeout == Duration::zero()) return &selector_ == &own_selector_ ? 0 : selector_.select(*this, timeout);
  sleeping_.store(true); // then look: see the [inbox] comment (both sides sequentially consistent)
  std::size_t events = 0;
  if (!sent_.load() && outstanding_work() == work) events = selector_.select(*this, timeout);
  sleeping_.store(false, std::memory_order_relaxed);
  return events;
}

// What a step threw goes to the exception handler: asyncio logs it and carries on, as a server
// must. A handler that rethrows stops the loop; the rest of the pass is not lost.
void EventLoop::failed(Origin where, ReadyQueue& rest) {
  try {
    call_exception_handler(
        {"exception in callback from " + std::string(where.name()), std::current_exception(), where});
  } catch (...) {
    ready_.prepend(rest);
    throw;
  }
}
// [pass]

// [take-inbox]
void EventLoop::take_inbox() {
  if (!sent_.load(std::memory_order_acquire)) return; // the one check a pass pays without a sender
  ReadyQueue sent;
  {
    std::lock_guard lock(inbox_mutex_);
    sent_.store(false, std::memory_order_relaxed); // clear, then drain: a later send sets it again
    sent = inbox_.take();
  }
  ready_.append(sent);
}
// [take-inbox]

void EventLoop::call_exception_handler(const ExceptionContext& context) {
  if (handler_) {
    handler_(*this, context);
  } else {
    default_exception_handler(context);
  }
}

void EventLoop::default_exception_handler(const ExceptionContext& context) {
  report({Pitfall::callback_failed, context.message + " failed with: " + message_of(context.error), context.origin,
          "catch what a callback can throw inside it: an exception there has nobody to go to, so the loop "
          "reports it and carries on (set_exception_handler() decides otherwise)"});
}

void EventLoop::close(const char* why) noexcept {
  if (closed_) return;
  closed_ = true;
  ReadyQueue sent;
  {
    std::lock_guard lock(inbox_mutex_);
    inbox_closed_ = true;
    sent = inbox_.take();
  }
  while (!sent.empty()) sent.pop().discard(why);
  while (!ready_.empty()) ready_.pop().discard(why);
  while (!timers_.empty()) timers_.pop().discard(why);
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
