// For tests: a loop's time as whole milliseconds since its clock started (a VirtualClock starts
// at zero), so that a check reads `CHECK(ms_now() == 1500)`.
#pragma once

#include "aio/event_loop.hpp"

#include <chrono>

namespace aio::testing {

/// Milliseconds on `loop`'s clock since it started.
inline long long ms_since_start(const EventLoop& loop) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(loop.time().time_since_epoch()).count();
}

/// The same for the running loop.
inline long long ms_now() { return ms_since_start(EventLoop::get_running_loop()); }

} // namespace aio::testing
