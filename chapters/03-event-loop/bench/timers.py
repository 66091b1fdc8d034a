#!/usr/bin/env python3
"""ch03_bench's workloads in Python's asyncio, and in uvloop when it can be imported.

Run by `./course bench 03`, which prints them next to the C++ figures. Prints one line per
figure: workload<TAB>variant<TAB>ns each. The workloads and their names match
bench/timers.cpp line for line; timers are set in the past on both sides, so neither waits."""

import asyncio
import time

COUNT = 1_000_000
RUNS = 3  # best of three: Python takes seconds per run


def noop():
    pass


def call_soon_then_run(loop):
    for _ in range(COUNT):
        loop.call_soon(noop)
    loop.call_soon(loop.stop)
    loop.run_forever()


def call_at_past_then_run(loop):
    now = loop.time()
    for i in range(COUNT):
        loop.call_at(now - (COUNT - i) * 1e-6, noop)
    loop.call_soon(loop.stop)
    loop.run_forever()


def call_later_then_cancel(loop):
    for _ in range(COUNT):
        loop.call_later(1.0, noop).cancel()


WORKLOADS = [
    ("call_soon 1M callbacks, then run them (ns)", call_soon_then_run),
    ("call_at 1M past deadlines, run in order (ns)", call_at_past_then_run),
    ("call_later then cancel, 1M times (ns)", call_later_then_cancel),
]


def ns_each(new_loop, body):
    best = float("inf")
    for _ in range(RUNS):
        loop = new_loop()
        start = time.perf_counter_ns()
        body(loop)
        best = min(best, (time.perf_counter_ns() - start) / COUNT)
        loop.close()
    return best


def main():
    variants = [("asyncio", asyncio.new_event_loop)]
    try:
        import uvloop  # Debian: python3-uvloop

        variants.append(("uvloop", uvloop.new_event_loop))
    except ImportError:
        pass
    for name, body in WORKLOADS:
        for variant, new_loop in variants:
            print(f"{name}\t{variant}\t{ns_each(new_loop, body):.1f}", flush=True)


if __name__ == "__main__":
    main()
