// Exercise 9.3: find the bug. process() saves its progress when it is stopped, as it should;
// but whoever stops it believes it finished, and the tests say why.
#pragma once

#include "aio/future.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include <chrono>

/// Where a stopped process() got to.
struct Checkpoint {
  int jobs_done = 0; ///< Jobs finished before it was stopped.
  bool saved = false; ///< True once process() has written it.
};

/// Does `jobs` jobs of 1 s each and returns how many it did. If it is cancelled, it records in
/// `checkpoint` how many were done, and stops: a cancelled process() ends cancelled.
inline aio::Task<int> process(int jobs, Checkpoint& checkpoint) {
  int done = 0;
  try {
    for (; done < jobs; ++done) co_await aio::sleep(std::chrono::seconds(1));
  } catch (const aio::CancelledError&) {
    checkpoint.jobs_done = done;
    checkpoint.saved = true;
  }
  co_return done;
}
