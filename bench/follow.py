"""`top` following a log while it is written at a fixed rate (issue #25: keep up with a log written at 1M events a
second): how far behind the log its snapshots fall, and its peak RSS.

A writer appends an existing log to a new file at `--rate` lines a second, in ticks of 10 ms, while
`reactortrack top --interval S` (no terminal: a snapshot every interval, as `top -b`) follows the new file. Each
snapshot says how many messages it read; the lag of a snapshot is the time from the moment the writer had written
that many lines to the moment the snapshot was printed: how old the newest line shown is. After the writer stops,
top runs on until a snapshot counts every line (or `--settle` seconds): the catch-up.

    python3 bench/follow.py CLI LOG [--rate 1000000] [--interval 0.5] [--settle 60]

bench/run.py calls measure_follow() in its first round; run alone, this prints the figures as JSON.
"""

import argparse
import bisect
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

MB = 1 << 20
COUNT = re.compile(rb"; (\d+) messages")
TICK = 0.01


def follow(cli, source, target, rate, interval=0.5, settle=60.0, preload=0, seconds=None):
    """Writes `source` into `target` at `rate` lines a second while top follows `target`; returns the figures.

    `preload` lines are written at once first (a service's log already large when top starts), and the writing
    stops after `seconds` (else at the end of `source`)."""
    snapshots = []  # (when printed, messages read)

    def read():
        for line in top.stdout:
            found = COUNT.search(line)
            if found:
                snapshots.append((time.monotonic(), int(found.group(1))))

    errors = []
    per_tick = max(1, int(rate * TICK))
    times, totals = [time.monotonic()], [0]
    total = 0
    started = times[0]
    top = None
    with open(source, "rb") as src, open(target, "wb", buffering=0) as out:
        while preload > 0:
            chunk = list(itertools.islice(src, min(preload, 100_000)))
            if not chunk:
                break
            out.write(b"".join(chunk))
            preload -= len(chunk)
            total += len(chunk)
        totals[0] = preloaded = total
        started = time.monotonic()
        times[0] = started
        due = started
        while seconds is None or time.monotonic() - started < seconds:
            chunk = list(itertools.islice(src, per_tick))
            if not chunk:
                break
            out.write(b"".join(chunk))
            total += len(chunk)
            times.append(time.monotonic())
            totals.append(total)
            if top is None:
                # Started once the log has its first lines: an empty log is an error before the first snapshot.
                top = subprocess.Popen([cli, "top", "--interval", str(interval), "--rows", "0", target],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
                threading.Thread(target=read, daemon=True).start()
                threading.Thread(target=lambda: errors.append(top.stderr.read()), daemon=True).start()
            due += TICK
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
    finished = time.monotonic()
    deadline = finished + settle
    ended = None  # (status, usage), once top is reaped

    def reap(options):
        pid, status, usage = os.wait4(top.pid, options)
        return (status, usage) if pid else None

    while time.monotonic() < deadline:
        ended = reap(os.WNOHANG)
        if ended or (snapshots and snapshots[-1][1] >= total and snapshots[-1][0] > finished):
            break
        time.sleep(0.05)
    if not ended:
        top.send_signal(signal.SIGTERM)
        ended = reap(0)
    status, usage = ended
    top.returncode = os.waitstatus_to_exitcode(status)

    def written_at(messages):
        """When the writer had written `messages` lines (the first tick that reached them)."""
        i = bisect.bisect_left(totals, min(messages, total))
        return times[min(i, len(times) - 1)]

    lags = [printed - written_at(messages) for printed, messages in snapshots if messages > 0]
    caught = next((printed for printed, messages in snapshots if messages >= total and printed > finished), None)
    return {
        "lines": total,
        "bytes": os.path.getsize(target),
        "write_s": finished - started,
        "rate": (total - preloaded) / (finished - started) if finished > started else None,
        "snapshots": len(snapshots),
        "lag_max_s": max(lags) if lags else None,
        "lag_median_s": sorted(lags)[len(lags) // 2] if lags else None,
        # From the last line written to the first snapshot that shows it.
        "catch_up_s": caught - finished if caught is not None else None,
        "rss_mb": usage.ru_maxrss / 1024,
        "status": top.returncode,
        "stderr": (b"".join(errors).decode("utf-8", "replace"))[-500:],
    }


def measure_follow(samples, cli, source, directory, rate=1_000_000, interval=0.5, settle=60.0, preload=0,
                   seconds=None):
    """The bench's rows: `top` following `source` written at `rate` lines a second (see the module's doc)."""
    target = os.path.join(directory, "following.out")
    try:
        figures = follow(cli, source, target, rate, interval, settle, preload, seconds)
    finally:
        if os.path.exists(target):
            os.remove(target)
    key = f"top-follow:{rate}"
    if figures["snapshots"] == 0:
        samples.fail("ours", key + ":lag", "no snapshot: " + figures["stderr"].strip()[-200:])
        return figures
    samples.add("ours", key + ":rate", figures["rate"], "lines/s")
    if figures["lag_max_s"] is not None:
        samples.add("ours", key + ":lag", figures["lag_max_s"], "s")
        samples.add("ours", key + ":lag-median", figures["lag_median_s"], "s")
    if figures["catch_up_s"] is not None:
        samples.add("ours", key + ":catch-up", figures["catch_up_s"], "s")
    else:
        samples.fail("ours", key + ":catch-up", f"not caught up {settle:.0f} s after the writer stopped")
    samples.add("ours", key + ":rss", figures["rss_mb"], "MB")
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cli")
    parser.add_argument("log")
    parser.add_argument("--rate", type=int, default=1_000_000, help="lines written a second")
    parser.add_argument("--interval", type=float, default=0.5, help="top's --interval")
    parser.add_argument("--settle", type=float, default=60.0, help="seconds to wait for top to catch up")
    parser.add_argument("--preload", type=int, default=0, help="lines written at once before top starts")
    parser.add_argument("--seconds", type=float, help="stop writing after this long")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reactortrack-follow-") as directory:
        figures = follow(os.path.abspath(args.cli), args.log, os.path.join(directory, "following.out"), args.rate,
                         args.interval, args.settle, args.preload, args.seconds)
    json.dump(figures, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
