#!/usr/bin/env python3
"""ch08_bench's workloads in Python's asyncio, and in uvloop when it can be imported.

Run by `./course bench 08`, which prints them next to the C++ figures. Prints one line per
figure: workload<TAB>variant<TAB>figure. The workloads and their names match bench/sync.cpp;
each figure is the best of three runs (Python is slow here)."""

import asyncio
import time

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
    best = float("inf")
    for _ in range(RUNS):
        with asyncio.Runner(loop_factory=new_loop) as runner:
            start = time.perf_counter()
            runner.run(workload())
            best = min(best, time.perf_counter() - start)
    return best


def main():
    variants = [("asyncio", asyncio.new_event_loop)]
    try:
        import uvloop  # Debian: python3-uvloop

        variants.append(("uvloop", uvloop.new_event_loop))
    except ImportError:
        pass
    for variant, new_loop in variants:

        def out(workload, figure):
            print(f"{workload}\t{variant}\t{figure:.1f}", flush=True)

        out("Queue(100) 1 producer 1 consumer (ns per item)",
            best_seconds(new_loop, queue_million) * 1e9 / ITEMS)
        out("100k tasks via Semaphore(100), yield once (ms)",
            best_seconds(new_loop, through_semaphore) * 1e3)
        out("Lock handed between 2 tasks (ns per acquire)",
            best_seconds(new_loop, lock_ping_pong) * 1e9 / (2 * LOCK_ROUNDS))


if __name__ == "__main__":
    main()
