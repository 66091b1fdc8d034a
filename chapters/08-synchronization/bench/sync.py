#!/usr/bin/env python3
"""ch08_bench's workloads in Python's asyncio, and in uvloop when it can be imported.

Run by `./course bench 08`, which prints them next to the C++ figures. Prints one line per
figure: workload<TAB>variant<TAB>figure. The workloads and their names match bench/sync.cpp;
each figure is the best of three runs (Python is slow here)."""

import asyncio
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "common" / "bench"))
import aio_bench  # noqa: E402  (common/bench: what every chapter's Python benchmark shares)

ITEMS = 1_000_000
SEMAPHORE_TASKS = 100_000
LOCK_ROUNDS = 100_000
RUNS = 3


async def produce(queue):
    for i in range(ITEMS):
        await queue.put(i)


async def consume(queue):
    total = 0
    for _ in range(ITEMS):
        total += await queue.get()
    return total


async def queue_million():
    queue = asyncio.Queue(100)
    producer = asyncio.create_task(produce(queue))
    total = await consume(queue)
    await producer
    assert total == ITEMS * (ITEMS - 1) // 2


async def limited(sem):
    async with sem:
        await asyncio.sleep(0)


async def through_semaphore():
    sem = asyncio.Semaphore(100)
    tasks = [asyncio.create_task(limited(sem)) for _ in range(SEMAPHORE_TASKS)]
    for task in tasks:
        await task


async def take_turns(lock, counter):
    for _ in range(LOCK_ROUNDS):
        async with lock:
            counter[0] += 1
            await asyncio.sleep(0)


async def lock_ping_pong():
    lock = asyncio.Lock()
    counter = [0]
    other = asyncio.create_task(take_turns(lock, counter))
    await take_turns(lock, counter)
    await other
    assert counter[0] == 2 * LOCK_ROUNDS


def best_seconds(new_loop, workload):
    return aio_bench.best_seconds(RUNS, aio_bench.run_on(new_loop, workload))


def main():
    for variant, new_loop in aio_bench.variants():

        def out(workload, figure):
            aio_bench.report(workload, variant, figure)

        out("Queue(100) 1 producer 1 consumer (ns per item)",
            best_seconds(new_loop, queue_million) * 1e9 / ITEMS)
        out("100k tasks via Semaphore(100), yield once (ms)",
            best_seconds(new_loop, through_semaphore) * 1e3)
        out("Lock handed between 2 tasks (ns per acquire)",
            best_seconds(new_loop, lock_ping_pong) * 1e9 / (2 * LOCK_ROUNDS))


if __name__ == "__main__":
    main()
