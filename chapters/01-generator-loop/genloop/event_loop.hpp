// The generator loop: a queue of generators, resumed one step at a time, round robin.
// It is the seed's deque-based EventLoop, plus the two checks a loop owes its users:
// a step that blocks is named, and a loop dropped with unfinished work says so.
#pragma once

#include "aio/origin.hpp"
#include "aio/step_timer.hpp"

#include <chrono>
#include <concepts>
#include <cstddef>
#include <deque>
#include <iosfwd>
#include <memory>
#include <utility>

namespace genloop {

/// Anything the loop can drive: `resume()` runs one step and says whether more remain;
/// `origin()` names it in reports. Both `FibonacciMachine` and `Generator<T>` qualify.
template <class G>
concept Steppable = std::movable<G> && requires(G& g, const G& cg) {
  { g.resume() } -> std::same_as<bool>;
  { cg.origin() } -> std::convertible_to<aio::Origin>;
};

// [loop]
/// A round-robin loop over generators (Python: the seed's deque-based `EventLoop`).
class EventLoop {
public:
  /// `trace` receives the loop's own lines ("Event loop cycle.", "Task completed");
  /// pass nullptr for a silent loop.
  explicit EventLoop(std::ostream* trace);
  EventLoop();
  /// Reports generators that were started but not finished (`destroyed_pending`).
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// Queues a generator; the loop owns it from now on (Python: `add_coroutine`).
  template <Steppable G>
  void add(G generator) {
    tasks_.push_back(std::make_unique<Job<G>>(std::move(generator)));
  }

  /// One step: resume the generator at the front, then requeue it if it yielded.
  /// Returns false if there was nothing to run. An exception from the step propagates
  /// to the caller, and that generator is dropped.
  bool run_once();

  /// Runs steps until no generator is left, printing "Event loop cycle." before each.
  void run_forever(aio::Origin caller = aio::Origin::here());

  /// How many generators are queued.
  std::size_t pending() const noexcept { return tasks_.size(); }
  // [loop]

private:
  struct JobBase {
    virtual ~JobBase() = default;
    virtual bool resume() = 0;
    virtual aio::Origin origin() const = 0;
    std::size_t steps = 0; // how many times the loop has resumed it
  };
  template <class G>
  struct Job final : JobBase {
    explicit Job(G g) : generator(std::move(g)) {}
    bool resume() override { return generator.resume(); }
    aio::Origin origin() const override { return generator.origin(); }
    G generator;
  };

  std::deque<std::unique_ptr<JobBase>> tasks_;
  std::ostream* trace_;
  bool running_ = false;
  aio::StepTimer timer_{"generator",
                        "a step must return quickly: do the work in small pieces with a yield (co_yield) between "
                        "them, and never call std::this_thread::sleep_for in a step"};
};

} // namespace genloop
