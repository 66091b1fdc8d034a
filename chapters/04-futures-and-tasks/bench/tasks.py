#!/usr/bin/env python3
"""ch04_bench's workloads in Python's asyncio, and in uvloop when it can be imported.

Run by `./course bench 04`, which prints them next to the C++ figures. Prints one line per
figure: workload<TAB>variant<TAB>figure. The workloads, their names and the way they are
measured (a process of its own per workload; the first run there is the "new process" one,
the best of the later ones is the main figure) match bench/tasks.cpp. Python is slow here:
a run of the sleepers takes half a minute, so each workload runs twice only."""

import asyncio
import os
import pickle
import resource
import time
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "common" / "bench"))
import aio_bench  # noqa: E402  (common/bench: what every chapter's Python benchmark shares)

MILLION = 1_000_000
RUNS = 2


async def yield_n_times(n):
    for _ in range(n):
        await asyncio.sleep(0)


async def switch_one_task():
    await yield_n_times(MILLION)


async def switch_thousand_tasks():
    tasks = [asyncio.create_task(yield_n_times(MILLION // 1000)) for _ in range(1000)]
    for task in tasks:
        await task


async def nothing():
    pass


async def spawn_million():
    for _ in range(MILLION):
        asyncio.create_task(nothing())  # the loop's ready queue holds each one until it has run
    await asyncio.sleep(0)


async def sleep_one_second():
    await asyncio.sleep(1)


async def million_sleepers():
    tasks = [asyncio.create_task(sleep_one_second()) for _ in range(MILLION)]
    for task in tasks:
        await task


def million_timers(new_loop):
    loop = new_loop()
    fired = 0

    def fire():
        nonlocal fired
        fired += 1

    for i in range(MILLION):
        loop.call_later((i % 1000) * 1e-6, fire)
    loop.call_later(1e-3, loop.stop)
    loop.run_forever()
    loop.close()
    assert fired == MILLION


def resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGESIZE")


def in_child(body):
    """(cold seconds, warm seconds, peak bytes per item) of `body` run RUNS times in a fork."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        cold = warm = float("inf")
        per_item = 0.0
        for run in range(RUNS):
            before = resident_bytes()
            start = time.perf_counter()
            body()
            took = time.perf_counter() - start
            if run == 0:
                cold = took
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
                per_item = (peak - before) / MILLION
            else:
                warm = min(warm, took)
        os.write(write_end, pickle.dumps((cold, warm, per_item)))
        os._exit(0)
    os.close(write_end)
    data = b""
    while chunk := os.read(read_end, 4096):
        data += chunk
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        sys.exit("tasks.py: a workload failed")
    return pickle.loads(data)


def main():
    def ns(seconds):
        return seconds * 1e9 / MILLION

    for variant, new_loop in aio_bench.variants():

        def run(coroutine_function):
            return aio_bench.run_on(new_loop, coroutine_function)

        def out(workload, figure):
            aio_bench.report(workload, variant, figure)

        out("sleep(0) switch, 1 task (ns)", ns(in_child(run(switch_one_task))[1]))
        out("sleep(0) switch, 1000 tasks (ns)", ns(in_child(run(switch_thousand_tasks))[1]))
        cold, warm, per_task = in_child(run(spawn_million))
        out("spawn + finish 1M tasks (ns per task)", ns(warm))
        out("  spawn, first run in a new process (ns)", ns(cold))
        out("  spawn, peak memory (bytes per task)", per_task)
        cold, warm, per_task = in_child(run(million_sleepers))
        out("1M tasks sleeping 1 s at once (wall ms)", warm * 1e3)
        out("  sleepers, first run in a new process (ms)", cold * 1e3)
        out("  sleepers, peak memory (bytes per task)", per_task)
        out("1M call_later, scheduled and fired (ns)", ns(in_child(lambda: million_timers(new_loop))[1]))


if __name__ == "__main__":
    main()
