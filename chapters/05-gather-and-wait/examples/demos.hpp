// Chapter 05's demos, callable from the demo program and from the tests that check their output.
#pragma once

#include "aio/clock.hpp"

namespace aio::demos {

/// The seed's fetch_all_users: five users fetched at once with gather, in 0.5 s, in order.
void fetch_all_users(Clock& clock);
/// The seed's process_items over 1..6: every third item fails; first with the seed's wrapper,
/// which hides the failures, then with gather_settled, which counts them.
void process_items(Clock& clock);
/// The seed's batch_process: 25 items in batches of 10, each batch gathered before the next.
void batches(Clock& clock);
/// gather's surprise: it throws at the first failure, and the other tasks run on, unwatched.
void gather_surprise(Clock& clock);
/// wait(FIRST_COMPLETED) in a loop: handle each task as it finishes, keep the rest.
void wait_loop(Clock& clock);
/// as_completed: results in the order they arrive, not the order asked.
void as_completed(Clock& clock);

} // namespace aio::demos
