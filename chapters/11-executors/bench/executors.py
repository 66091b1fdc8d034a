#!/usr/bin/env python3
"""ch11_bench's workloads in Python's asyncio, and in uvloop when it can be imported.

Run by `./course bench 11`, which prints them next to the C++ figures. Prints one line per
figure: workload<TAB>variant<TAB>figure. The workloads and their names match
bench/executors.cpp; each figure is the best of three runs."""

import asyncio
import concurrent.futures
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "common" / "bench"))
import aio_bench  # noqa: E402  (common/bench: what every chapter's Python benchmark shares)

ROUND_TRIPS = 20_000
JOBS = 100_000
RUNS = 3


def nothing(n):
    return n


async def one_at_a_time():
    total = 0
    for i in range(ROUND_TRIPS):
        total += await asyncio.to_thread(nothing, i)
    assert total == ROUND_TRIPS * (ROUND_TRIPS - 1) // 2


async def all_at_once():
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        values = await asyncio.gather(*(loop.run_in_executor(pool, nothing, i) for i in range(JOBS)))
    assert sum(values) == JOBS * (JOBS - 1) // 2


def best_seconds(new_loop, workload):
    return aio_bench.best_seconds(RUNS, aio_bench.run_on(new_loop, workload))


def main():
    for variant, new_loop in aio_bench.variants():

        def out(workload, figure):
            aio_bench.report(workload, variant, figure)

        out("to_thread round trip, one at a time (ns per call)",
            best_seconds(new_loop, one_at_a_time) * 1e9 / ROUND_TRIPS)
        out("100k jobs through a 4-thread pool (ns per job)", best_seconds(new_loop, all_at_once) * 1e9 / JOBS)


if __name__ == "__main__":
    main()
