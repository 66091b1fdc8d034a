// Chapter 12's demos, callable from the demo program and from the tests that check their
// output. Each starts the local servers it needs (local_servers.hpp) and stops them.
#pragma once

#include <cstddef>

namespace aio::demos {

/// The seeds' scraper: a URL that answers after `delay` seconds, one after twice that, a 404
/// and a port nobody listens on, all at once with one ClientSession: about 2 x `delay` in all,
/// a result or an error for each, as values (the demo: `delay` = 1).
void scraper(double delay);
/// The seeds' three GETs, printing the bytes each page has (nginx's pages, one gzip'd).
void three_gets();
/// The seeds' first performance practice: `requests` requests (50) over one session with
/// `limit=100, limit_per_host=10`, spread over three hosts, each held `hold` seconds by the
/// server; prints how many connections each host saw, as the server counted them.
void pool_limits(int requests, double hold);
/// A crawler after the one in "500 Lines or Less": a Queue of URLs, `workers` tasks taking from
/// it, links and redirects put back in, join() and then the workers cancelled; nginx's small
/// site of 30 pages, with old links that redirect and one that is broken.
void crawler(int workers);
/// The pitfall: a response whose body is never read, reported; then the same with release().
void unread_body();

} // namespace aio::demos
