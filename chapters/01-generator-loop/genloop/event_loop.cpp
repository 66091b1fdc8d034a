// The generator loop's steps and its pitfall checks.
#include "genloop/event_loop.hpp"

#include "aio/diagnostics.hpp"

#include <iostream>
#include <stdexcept>
#include <string>

namespace genloop {

EventLoop::EventLoop(std::ostream* trace) : trace_(trace) {}
EventLoop::EventLoop() : EventLoop(&std::cout) {}

EventLoop::~EventLoop() {
  for (const auto& job : tasks_) {
    if (job->steps == 0) continue; // a generator that never ran reports that itself
    const aio::Origin origin = job->origin();
    aio::report({aio::Pitfall::destroyed_pending,
                 "generator '" + std::string(origin.name()) + "' was destroyed after " + std::to_string(job->steps) +
                     " step(s), before it finished",
                 origin, "run the loop until it is empty (run_forever) before dropping it"});
  }
}

// [run-once]
bool EventLoop::run_once() {
  if (tasks_.empty()) return false;
  std::unique_ptr<JobBase> job = std::move(tasks_.front());
  tasks_.pop_front();
  ++job->steps;

  bool yielded = false;
  {
    aio::StepTimer::Step step(timer_, job->origin(), job->steps); // timed, if debug checks are on
    yielded = job->resume();                                      // nothing else runs until this returns
  }

  if (yielded) {
    tasks_.push_back(std::move(job)); // not finished: back of the queue
  } else if (trace_ != nullptr) {
    *trace_ << "Task completed\n";
  }
  return true;
}
// [run-once]

void EventLoop::run_forever(aio::Origin caller) {
  if (running_) {
    aio::report({aio::Pitfall::nested_run, "run_forever() was called from inside a step of the loop that is running it",
                 caller, "a step must return to the loop; queue more work with loop.add() instead"});
    throw std::logic_error("EventLoop::run_forever: the loop is already running");
  }
  running_ = true;
  struct Stop {
    bool& running;
    ~Stop() { running = false; }
  } stop{running_};
  while (!tasks_.empty()) {
    if (trace_ != nullptr) *trace_ << "Event loop cycle.\n";
    run_once();
  }
}

} // namespace genloop
