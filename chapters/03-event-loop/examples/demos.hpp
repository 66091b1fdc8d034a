// Chapter 03's demos, callable from the demo program and from the tests that check their output.
#pragma once

#include "aio/clock.hpp"

namespace aio::demos {

/// call_soon: callbacks run in the order they were scheduled, one pass at a time.
void callbacks(Clock& clock);
/// call_later and call_at: timers run in deadline order, and can be cancelled.
void timers(Clock& clock);
/// A callback that schedules itself again: a ticker, stopped after five ticks.
void ticker(Clock& clock);
/// run_forever() with nothing to do: asyncio would wait for ever; this loop says why it can't.
void deadlock();

} // namespace aio::demos
