// Exercise 4.3, a reference answer: Background, the owner of fire-and-forget tasks.
#pragma once

#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include <chrono>
#include <cstddef>
#include <exception>
#include <list>
#include <vector>

/// Keeps the tasks a program starts "in the background" (Python's advice: keep a reference to
/// every task you create, in a set, and discard it when done). A task stays in the set while it
/// runs and leaves it as soon as it finishes; the exception of a task that failed is kept in
/// errors(), so that none goes unread; join() waits until the set is empty, including tasks
/// spawned while it waits.
class Background {
public:
  /// Starts `coroutine` as a task and keeps it until it finishes.
  void spawn(aio::Task<> coroutine) {
    tasks_.push_back(aio::create_task(std::move(coroutine)));
    const auto mine = std::prev(tasks_.end()); // list iterators stay valid while others come and go
    mine->add_done_callback([this, mine](auto& done) {
      if (std::exception_ptr error = done.exception()) errors_.push_back(error);
      tasks_.erase(mine); // drops the Task: its frame goes once nobody awaits it
    });
  }
  /// How many spawned tasks have not finished.
  std::size_t size() const { return tasks_.size(); }
  /// Waits until every spawned task has finished, those spawned meanwhile too.
  aio::Task<> join() {
    while (!tasks_.empty()) {
      if (tasks_.front().done()) {
        co_await aio::sleep(std::chrono::seconds(0)); // its callback has not run yet: let it
      } else {
        try {
          co_await tasks_.front();
        } catch (...) { // errors() has it
        }
      }
    }
  }
  /// The exceptions of the tasks that failed, in the order they failed.
  const std::vector<std::exception_ptr>& errors() const { return errors_; }

private:
  std::list<aio::Task<>> tasks_;
  std::vector<std::exception_ptr> errors_;
};
