// Chapter 08's demos, callable from the demo program and from the tests that check their output.
#pragma once

#include "aio/clock.hpp"

namespace aio::demos {

/// The seed's pattern 10: 5 workers x 10 increments of a counter behind a Lock: 50.
void counter(Clock& clock);
/// The same counter without the lock: every worker writes back a stale value, 40 updates lost.
void lost_updates(Clock& clock);
/// The seed's pattern 9: 20 API calls through Semaphore(3), with the peak concurrency measured.
void rate_limit(Clock& clock);
/// 100 URLs fetched through Semaphore(5) with gather: 5 at a time, results in order.
void hundred_urls(Clock& clock);
/// The seed's pattern 8: Queue(maxsize=10), 2 producers x 5 items, 3 consumers; two end on a
/// sentinel, the third is cancelled once join() says every item is done.
void producer_consumer(Clock& clock);

} // namespace aio::demos
