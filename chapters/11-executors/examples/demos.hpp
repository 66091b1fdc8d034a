// Chapter 11's demos, callable from the demo program and from the tests that check their output.
#pragma once

#include "aio/clock.hpp"

#include <string>

namespace aio::demos {

/// The seeds' third performance practice: five blocking calls of `each` (1 s in the demo),
/// each through run_in_executor on a ThreadPool, all at once: they take `each`, not 5 times it.
void blocking_calls(Duration each);
/// The book's CPU-bound sum of i*i for i < 10,000,000 in a ProcessPool, then the same work on
/// the loop's thread, on N threads and on N processes, timed on this machine.
void cpu_bound();
/// Chapter 09's three blocking fetches, fixed with to_thread: the loop keeps running.
void blocking_sleep_fixed();
/// A job that calls loop.call_soon from its thread (refused and reported), then the fix,
/// call_soon_threadsafe.
void wrong_thread();
/// A subprocess pipeline, `printf ... | sort`: the first child's stdout fed to the second's
/// stdin by the loop, chunk by chunk.
void pipeline();

/// `value` in decimal (printf has no conversion for 128-bit integers).
std::string to_decimal(unsigned __int128 value);

} // namespace aio::demos
