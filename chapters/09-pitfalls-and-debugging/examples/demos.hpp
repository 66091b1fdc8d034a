// Chapter 09's demos: each pitfall of the seeds, made on purpose, with the report that names
// it and the fix; then the debugging tools. Callable from the demo program and the tests.
#pragma once

#include "aio/clock.hpp"

namespace aio::demos {

/// `auto user = fetch_user(2);` without co_await: a Task that never runs, and its report.
void never_awaited(Clock& clock);
/// The list form: three tasks made in a loop and never awaited; then the fix, gather.
void tasks_in_a_list(Clock& clock);
/// The forms the compiler catches: a discarded task, a task as a condition, co_await in a
/// normal function (the compile-fail tests of this chapter prove each).
void compile_time();
/// The seed's blocking sleep: three fetches with std::this_thread::sleep_for take three times
/// as long, and each is reported; with co_await aio::sleep they overlap. Real time.
void blocking_sleep();
/// CPU work in one step blocks the loop; cut into slices with co_await aio::sleep(0s) between
/// them, it lets the others run. Real time.
void blocking_cpu();
/// A worker that catches CancelledError and forgets to rethrow: it looks finished, not
/// cancelled, and is reported; then the worker that rethrows.
void swallowed_cancel(Clock& clock);
/// A normal function that calls aio::run: right from main(), refused from inside a coroutine.
void run_inside_loop(Clock& clock);
/// aio::run called in a loop, once per job, runs the jobs one after another; one aio::run
/// over gather runs them together.
void run_in_a_loop(Clock& clock);
/// gather_settled keeps the failures with the values: counting results is not checking them.
void settled_unchecked(Clock& clock);
/// A task that fails and that nobody awaits: "exception was never retrieved".
void never_retrieved(Clock& clock);
/// Two transfers that take two locks in opposite orders: the deadlock report names every task
/// and the line it waits at. Then the fix, one order for everyone.
void deadlock(Clock& clock);
/// print_tasks() in a running program: async stacks through inline coroutines and across tasks.
void task_dump(Clock& clock);
/// LoopStats around a small program: steps, busy time, peak timers, the slowest coroutine.
void loop_stats(Clock& clock);

} // namespace aio::demos
