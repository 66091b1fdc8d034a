// Chapter 07's demos, callable from the demo program and from the tests that check their output.
#pragma once

#include "aio/clock.hpp"

namespace aio::demos {

/// The seed's pattern 6: a database connection opened, used and closed with aio::with.
void query_database(Clock& clock);
/// The same connection closed on the two other ways out: the query fails, the query is cancelled.
void every_exit(Clock& clock);
/// The seed's pattern 7: async_range(1, 5), one number every 0.10 s.
void async_range(Clock& clock);
/// The seed's paginated fetch_pages: 3 pages, one every 0.20 s.
void fetch_pages(Clock& clock);
/// Stopping early: the consumer wants 2 pages of 10; the generator is cleaned up at once.
void early_exit(Clock& clock);

} // namespace aio::demos
