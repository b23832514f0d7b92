#!/usr/bin/env python3
"""Twisted's Deferred on CPython: the peer side of DeferBenchmarks (same work, same workload names).

    .venv/bin/python bench/peers/twisted_deferred.py [--only a,b] [--rounds N]

Prints one JSON object per workload on stdout: {"workload": ..., "value": ..., "unit": ...}.
Each timed workload runs once to warm up, then N rounds (default 7); the value is the median round.

  success_chain       create a Deferred, add 10 callbacks (x + 1), fire it; ns per callback
  error_path          5 pairs of (callback raises, errback recovers) on one Deferred, fired; ns per stage
                      (10 stages per Deferred)
  implicit_chaining   outer's callback returns an unfired inner Deferred, a second callback follows; fire
                      outer, then inner; ns per (outer, inner) pair
  deep_chain_10k      10,001 Deferreds, each one's callback returns the next; fire them all, the innermost
                      last, which resolves the whole chain; ms per chain
  memory_pending_3cb  bytes per pending (never fired) Deferred holding 3 callbacks, measured with tracemalloc
                      over 100,000 of them (Python-level allocations, object and GC headers included;
                      pymalloc's arena slack is not counted). The callbacks are one module-level function,
                      as the Swift side's are non-capturing closures.
"""

import gc
import json
import sys
import time
import tracemalloc

from twisted.internet.defer import Deferred


class Boom(Exception):
    pass


def add_one(value):
    return value + 1


def boom(_):
    raise Boom()


def recover(_):
    return 1


ROUNDS = 7


def measure(body, operations, rounds=None):
    """Median ns per operation over `rounds` runs of `body` after one warm-up run."""
    rounds = rounds or ROUNDS
    body()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        body()
        samples.append((time.perf_counter_ns() - start) / operations)
    samples.sort()
    return samples[len(samples) // 2]


ITERATIONS = 20_000


def success_chain():
    def body():
        for i in range(ITERATIONS):
            d = Deferred()
            for _ in range(10):
                d.addCallback(add_one)
            d.callback(i)

    return measure(body, ITERATIONS * 10)


def error_path():
    def body():
        for i in range(ITERATIONS):
            d = Deferred()
            for _ in range(5):
                d.addCallback(boom)
                d.addErrback(recover)
            d.callback(i)

    return measure(body, ITERATIONS * 10)


def implicit_chaining():
    def body():
        for i in range(ITERATIONS):
            outer = Deferred()
            inner = Deferred()
            outer.addCallback(lambda _, inner=inner: inner)
            outer.addCallback(add_one)
            outer.callback(i)
            inner.callback(i)

    return measure(body, ITERATIONS)


def deep_chain_10k(depth=10_000):
    def body():
        deferreds = [Deferred() for _ in range(depth + 1)]
        for index in range(depth):
            deferreds[index].addCallback(lambda _, following=deferreds[index + 1]: following)
        for index in range(depth):
            deferreds[index].callback(0)
        deferreds[depth].callback(1)

    return measure(body, 1) / 1e6


def memory_pending_3cb(count=100_000, rounds=3):
    samples = []
    for _ in range(rounds):
        gc.collect()
        holder = [None] * count
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for index in range(count):
            d = Deferred()
            d.addCallback(add_one)
            d.addCallback(add_one)
            d.addCallback(add_one)
            holder[index] = d
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        samples.append((after - before) / count)
        del holder
    samples.sort()
    return samples[len(samples) // 2]


WORKLOADS = [
    ("success_chain", success_chain, "ns/callback"),
    ("error_path", error_path, "ns/stage"),
    ("implicit_chaining", implicit_chaining, "ns/op"),
    ("deep_chain_10k", deep_chain_10k, "ms/chain"),
    ("memory_pending_3cb", memory_pending_3cb, "B"),
]


def main(argv):
    global ROUNDS
    if "--rounds" in argv:
        ROUNDS = max(1, int(argv[argv.index("--rounds") + 1]))
    only = None
    if "--only" in argv:
        only = set(argv[argv.index("--only") + 1].split(","))
        unknown = only - {name for name, _, _ in WORKLOADS}
        if unknown:
            sys.exit(f"twisted_deferred.py: unknown workload {sorted(unknown)[0]}")
    for name, run, unit in WORKLOADS:
        if only is None or name in only:
            print(json.dumps({"workload": name, "value": round(run(), 3), "unit": unit}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
