#!/usr/bin/env python3
"""ch03_bench's workloads in Python's asyncio, and in uvloop when it can be imported.

Run by `./course bench 03`, which prints them next to the C++ figures. Prints one line per
figure: workload<TAB>variant<TAB>ns each. The workloads and their names match
bench/timers.cpp line for line; timers are set in the past on both sides, so neither waits."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "common" / "bench"))
import aio_bench  # noqa: E402  (common/bench: what every chapter's Python benchmark shares)

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
    def once():
        loop = new_loop()
        body(loop)
        loop.close()

    return aio_bench.best_seconds(RUNS, once) * 1e9 / COUNT


def main():
    for name, body in WORKLOADS:
        for variant, new_loop in aio_bench.variants():
            aio_bench.report(name, variant, ns_each(new_loop, body))


if __name__ == "__main__":
    main()
