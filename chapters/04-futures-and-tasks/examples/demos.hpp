// Chapter 04's demos, callable from the demo program and from the tests that check their output.
#pragma once

#include "aio/clock.hpp"

namespace aio::demos {

/// The seed's Future example: a task is not done right after create_task, and is once awaited.
void done(Clock& clock);
/// Two background tasks and a main that does other work meanwhile: the seed's printed order.
void background(Clock& clock);
/// Five users fetched by five tasks at once: 0.5 s in all, not 2.5 s.
void fetch_users(Clock& clock);
/// A task fails and nobody awaits it: the exception would be lost, so it is reported.
void never_retrieved(Clock& clock);
/// aio::run() called from inside a running loop: refused, with the reason.
void nested_run(Clock& clock);

} // namespace aio::demos
