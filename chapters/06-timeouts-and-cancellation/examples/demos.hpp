// Chapter 06's demos, callable from the demo program and from the tests that check their output.
#pragma once

#include "aio/clock.hpp"

namespace aio::demos {

/// The seed's pattern 5: a 5 s operation under wait_for(2 s): TimeoutError at 2.00 s, after its cleanup.
void wait_for(Clock& clock);
/// The same with aio::timeout, whose deadline the body moves once while it makes progress.
void timeout_scope(Clock& clock);
/// The seed's cancellable worker: it works every second, is cancelled, cleans up and rethrows.
void cancellable_worker(Clock& clock);
/// The seed's pitfall 3 turned around: a worker that swallows CancelledError, and its report.
void swallowed(Clock& clock);
/// A save shielded from its caller's timeout: the caller gives up, the save finishes.
void shield(Clock& clock);
/// A TaskGroup: one task fails, the others are cancelled and clean up, every failure is kept.
void task_group(Clock& clock);

} // namespace aio::demos
