// The coroutine loop: a ready queue of coroutines to resume, a heap of timers, and a clock.
// Chapter 01's loop resumed generators round robin; this one resumes a coroutine only when
// what it awaits has happened (for now: a timer), and sleeps when nothing is ready.
#pragma once

#include "coro/clock.hpp"
#include "coro/task.hpp"

#include "aio/step_timer.hpp"

#include <coroutine>
#include <cstdint>
#include <deque>
#include <queue>
#include <unordered_set>
#include <vector>

namespace coro {

// [loop]
/// Runs coroutines on one thread (Python: the event loop behind `asyncio.run`).
// NOLINTNEXTLINE(cppcoreguidelines-virtual-class-destructor): final, never deleted through RootObserver
class EventLoop final : private RootObserver {
public:
  /// A loop on `clock`: real time for programs, a VirtualClock in tests.
  explicit EventLoop(Clock& clock = steady_clock()) noexcept : clock_(clock) {}
  /// Reports tasks it was running that never finished (`destroyed_pending`).
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// The loop running on this thread. Throws std::logic_error outside one.
  static EventLoop& current();

  /// The loop clock's time.
  TimePoint now() const { return clock_.now(); }

  /// Runs `task` concurrently with everything else; the loop owns it from now on.
  /// An exception that ends it comes out of `run_forever` / `run`.
  void spawn(Task<> task);

  /// Schedules `coroutine` to be resumed on the next pass. `waiter` names it in reports.
  void call_soon(std::coroutine_handle<> coroutine, const PromiseBase* waiter = nullptr);
  /// Schedules `coroutine` to be resumed once the clock reaches `when`.
  void call_at(TimePoint when, std::coroutine_handle<> coroutine, const PromiseBase* waiter = nullptr);

  /// Runs until nothing is ready and no timer is pending.
  void run_forever();
  /// Runs until `main` has finished, then returns its result (or rethrows its exception).
  template <class T>
  T run_until_complete(Task<T>& main) {
    start(main.handle().promise(), main.handle());
    run_until(main.handle(), &main.handle().promise());
    return main.handle().promise().take_result();
  }
  // [loop]

private:
  struct Ready {
    std::coroutine_handle<> coroutine;
    const PromiseBase* waiter; // whose step this is, for reports (may be null)
  };
  struct Timer {
    TimePoint when;
    std::uint64_t seq; // equal deadlines fire in the order they were set
    Ready ready;
    bool operator>(const Timer& other) const noexcept {
      return when != other.when ? when > other.when : seq > other.seq;
    }
  };

  void start(PromiseBase& root, std::coroutine_handle<> coroutine);
  void run_until(std::coroutine_handle<> main, const PromiseBase* main_promise); // null main: until idle
  void step(const Ready& ready);
  void root_done(PromiseBase& root) noexcept override;
  [[noreturn]] void report_deadlock(const PromiseBase& main) const;

  Clock& clock_;
  std::deque<Ready> ready_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::uint64_t timer_seq_ = 0;
  std::unordered_set<void*> spawned_; // frames (handle addresses) owned; destroyed when they finish
  std::exception_ptr spawned_error_;
  aio::StepTimer timer_{"coroutine", "use co_await coro::sleep(...) instead of std::this_thread::sleep_for: a "
                                     "coroutine must never block the loop"}; // the first exception that ended one
};

/// Runs `main` on a new loop until it finishes and returns its result (Python: `asyncio.run`).
/// Refuses to run inside a running loop: await the task instead.
template <class T>
T run(Task<T> main, Clock& clock = steady_clock(), aio::Origin caller = aio::Origin::here());

/// `run` needs this: reports and refuses a loop started from inside a running one.
void refuse_nested_run(aio::Origin caller);

template <class T>
T run(Task<T> main, Clock& clock, aio::Origin caller) {
  refuse_nested_run(caller);
  EventLoop loop(clock);
  return loop.run_until_complete(main);
}

} // namespace coro
