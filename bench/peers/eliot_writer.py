#!/usr/bin/env python3
"""Eliot on CPython: the peer side of EventLogBenchmarks' writer workloads (same work, same names).

    .venv/bin/python bench/peers/eliot_writer.py [--only a,b] [--rounds N]

Prints one JSON object per workload on stdout: {"workload": ..., "value": ..., "unit": ...}.
Each workload runs once to warm up, then N rounds (default 3); the value is the median round.

  messages_threaded_file  100,000 `log_message(message_type="bench:tick", i=i)` inside one action, through
                          Eliot's real `eliot.logwriter.ThreadedWriter` (a Twisted service, run here under
                          Twisted's default reactor) wrapping `FileDestination` on a file in /tmp. Timed from the
                          first message until `stopService()`'s Deferred fires, i.e. until the writer thread
                          has drained its queue, serialized every message and written it; messages/s.
  actions_memory          100,000 `with start_action(action_type="bench:act", i=i): pass` (a start and an end
                          message each) into a memory destination (a list's `append`, added with
                          `add_destinations`, as Eliot's docs suggest for in-memory capture); actions/s.
"""

import json
import os
import sys
import tempfile
import time

from eliot import add_destinations, log_message, remove_destination, start_action
from eliot import FileDestination
from eliot.logwriter import ThreadedWriter

MESSAGES = 100_000
ACTIONS = 100_000


def median(samples):
    samples = sorted(samples)
    return samples[len(samples) // 2]


ROUNDS = 3


def actions_memory(rounds=None):
    rounds = rounds or ROUNDS
    captured = []
    add_destinations(captured.append)
    samples = []
    try:
        for round_number in range(rounds + 1):
            captured.clear()
            start = time.perf_counter()
            for i in range(ACTIONS):
                with start_action(action_type="bench:act", i=i):
                    pass
            elapsed = time.perf_counter() - start
            assert len(captured) == 2 * ACTIONS, len(captured)
            if round_number > 0:
                samples.append(ACTIONS / elapsed)
    finally:
        remove_destination(captured.append)
    return median(samples)


def messages_threaded_file(rounds=None):
    """Runs under Twisted's reactor, as ThreadedWriter requires; returns the median messages/s."""
    rounds = rounds or ROUNDS
    from twisted.internet import defer, reactor

    fd, path = tempfile.mkstemp(prefix="eliot-bench-writer-", suffix=".log")
    os.close(fd)
    result = {}

    @defer.inlineCallbacks
    def run():
        samples = []
        try:
            for round_number in range(rounds + 1):
                with open(path, "wb") as handle:
                    writer = ThreadedWriter(FileDestination(file=handle), reactor)
                    writer.startService()
                    start = time.perf_counter()
                    with start_action(action_type="bench:outer"):
                        for i in range(MESSAGES):
                            log_message(message_type="bench:tick", i=i)
                    yield writer.stopService()
                    elapsed = time.perf_counter() - start
                if round_number > 0:
                    samples.append(MESSAGES / elapsed)
            with open(path, "rb") as handle:
                lines = sum(1 for _ in handle)
            assert lines == MESSAGES + 2, lines
            result["value"] = median(samples)
        except BaseException as error:  # report, then stop the reactor either way
            result["error"] = error
        finally:
            reactor.stop()

    reactor.callWhenRunning(run)
    reactor.run(installSignalHandlers=False)
    os.unlink(path)
    if "error" in result:
        raise result["error"]
    return result["value"]


WORKLOADS = [
    # The reactor can run only once per process, so the threaded writer goes last.
    ("actions_memory", actions_memory, "act/s"),
    ("messages_threaded_file", messages_threaded_file, "msg/s"),
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
            sys.exit(f"eliot_writer.py: unknown workload {sorted(unknown)[0]}")
    for name, run, unit in WORKLOADS:
        if only is None or name in only:
            print(json.dumps({"workload": name, "value": round(run(), 1), "unit": unit}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
