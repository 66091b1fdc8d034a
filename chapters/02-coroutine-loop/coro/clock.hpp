// The clock seam of chapter 02's loop. It lives in common/ (aio::Clock), because the
// runtime's loop from chapter 03 on takes the same seam; these names keep this chapter's code
// short.
#pragma once

#include "aio/clock.hpp"

namespace coro {

using aio::Clock;
using aio::Duration;
using aio::steady_clock;
using aio::SteadyClock;
using aio::TimePoint;
using aio::VirtualClock;

} // namespace coro
