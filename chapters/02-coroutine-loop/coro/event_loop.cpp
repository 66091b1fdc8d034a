// The coroutine loop: one step, the loop around it, and its pitfall reports.
#include "coro/event_loop.hpp"

#include "aio/diagnostics.hpp"

#include <stdexcept>
#include <string>
#include <thread>

namespace coro {
namespace {

thread_local EventLoop* running_loop = nullptr;

// Makes a loop the running one for a scope; refuses to nest.
class Running {
public:
  explicit Running(EventLoop& loop, aio::Origin caller) {
    refuse_nested_run(caller);
    running_loop = &loop;
  }
  ~Running() { running_loop = nullptr; }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;
};

// Waits until `deadline`: a real clock by sleeping, a virtual one by moving its time there.
void wait_until(Clock& clock, TimePoint deadline) {
  if (clock.is_virtual()) {
    clock.advance_to(deadline);
  } else {
    std::this_thread::sleep_until(deadline);
  }
}

} // namespace

namespace detail {
void note_switch(const PromiseBase* to) noexcept {
  if (to != nullptr) aio::StepTimer::switch_to(to->origin());
}
} // namespace detail

void refuse_nested_run(aio::Origin caller) {
  if (running_loop == nullptr) return;
  aio::report({aio::Pitfall::nested_run, "a loop was started while another loop is running on this thread", caller,
               "inside a coroutine, co_await the task instead of calling run() on it"});
  throw std::logic_error("coro::run() cannot be called from a running loop: co_await the task instead");
}

EventLoop& EventLoop::current() {
  if (running_loop == nullptr) {
    throw std::logic_error("no running loop: coro::sleep() and friends only work inside coro::run(...)");
  }
  return *running_loop;
}

EventLoop::~EventLoop() {
  for (void* frame : spawned_) {
    const auto handle = std::coroutine_handle<Task<>::promise_type>::from_address(frame);
    const auto& promise = handle.promise();
    aio::report({aio::Pitfall::destroyed_pending,
                 "task '" + std::string(promise.origin().name()) + "' was destroyed before it finished",
                 promise.origin(), "let the loop run until every task it runs has finished"});
    handle.destroy();
  }
}

void EventLoop::spawn(Task<> task) {
  auto handle = task.release();
  spawned_.insert(handle.address());
  handle.promise().set_root_observer(this);
  call_soon(handle, &handle.promise());
}

void EventLoop::start(PromiseBase& root, std::coroutine_handle<> coroutine) { call_soon(coroutine, &root); }

void EventLoop::call_soon(std::coroutine_handle<> coroutine, const PromiseBase* waiter) {
  ready_.push_back({coroutine, waiter});
}

void EventLoop::call_at(TimePoint when, std::coroutine_handle<> coroutine, const PromiseBase* waiter) {
  timers_.push({when, timer_seq_++, {coroutine, waiter}});
}

void EventLoop::run_forever() { run_until(nullptr, nullptr); }

// [run-until]
void EventLoop::run_until(std::coroutine_handle<> main, const PromiseBase* main_promise) {
  Running running(*this, aio::Origin::here());
  while (!(main && main.done())) {
    if (ready_.empty()) {
      if (timers_.empty()) {
        if (!main) return;              // run_forever: nothing left to do
        report_deadlock(*main_promise); // main waits, but nothing can ever wake it
      }
      wait_until(clock_, timers_.top().when); // the only place the loop waits
    }
    // Every timer that is due joins the ready queue, even while others keep yielding...
    const TimePoint now = clock_.now();
    while (!timers_.empty() && timers_.top().when <= now) {
      ready_.push_back(timers_.top().ready);
      timers_.pop();
    }
    // ...then one pass runs exactly what is ready now; what these steps make ready waits its turn.
    for (std::size_t n = ready_.size(); n > 0; --n) {
      const Ready next = ready_.front();
      ready_.pop_front();
      step(next);
      if (spawned_error_) std::rethrow_exception(std::exchange(spawned_error_, nullptr));
    }
  }
}
// [run-until]

// [step]
void EventLoop::step(const Ready& ready) {
  // Timed if debug checks are on; Task's awaiters call note_switch at each transfer, so the
  // timer checks each coroutine's slice of the step, and can blame the one that blocked.
  aio::StepTimer::Step timed(timer_, ready.waiter != nullptr ? ready.waiter->origin() : aio::Origin{});
  ready.coroutine.resume(); // runs until that coroutine (or one it awaits) suspends
}
// [step]

void EventLoop::root_done(PromiseBase& root) noexcept {
  if (root.error() && !spawned_error_) spawned_error_ = root.error();
  auto handle = std::coroutine_handle<Task<>::promise_type>::from_promise(static_cast<Task<>::promise_type&>(root));
  spawned_.erase(handle.address());
  handle.destroy(); // safe: it is suspended at its final suspend point, and nothing touches it after this
}

void EventLoop::report_deadlock(const PromiseBase& promise) const {
  aio::report({aio::Pitfall::deadlock,
               "coroutine '" + std::string(promise.origin().name()) +
                   "' is waiting, but nothing can ever resume it: no coroutine is ready and no timer is set",
               promise.origin(),
               "it awaits something that nobody will complete; check what it (or a task it awaits) "
               "is waiting for"});
  throw std::runtime_error("deadlock: the main coroutine can never finish");
}

} // namespace coro
