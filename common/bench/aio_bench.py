"""What the Python side of every `./course bench` shares.

Each chapter's bench/*.py runs the same workloads as its C++ benchmark, under the same names,
in asyncio and in uvloop when it can be imported (Debian: python3-uvloop), and prints one line
per figure, "workload<TAB>variant<TAB>figure", which the driver puts beside the C++ figures."""

import asyncio
import time


def variants():
    """(name, loop factory) of each event loop to measure: asyncio's, and uvloop's if present."""
    found = [("asyncio", asyncio.new_event_loop)]
    try:
        import uvloop

        found.append(("uvloop", uvloop.new_event_loop))
    except ImportError:
        pass
    return found


def best_seconds(runs, body):
    """The least of `runs` timings of `body()`, in seconds: the run the machine disturbed least."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        body()
        best = min(best, time.perf_counter() - start)
    return best


def run_on(new_loop, coroutine_function):
    """A body that runs `coroutine_function()` to its end on a fresh loop of `new_loop`."""

    def body():
        with asyncio.Runner(loop_factory=new_loop) as runner:
            runner.run(coroutine_function())

    return body


def report(workload, variant, figure):
    """Prints one figure for the driver."""
    print(f"{workload}\t{variant}\t{figure:.1f}", flush=True)
