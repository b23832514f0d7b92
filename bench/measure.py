"""Timing a command over a file, for bench/run.py and bench/floors.py: wall-clock from spawn to exit and peak RSS."""

import os
import subprocess
import sys
import tempfile
import time

MB = 1 << 20
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(text):
    print(text, file=sys.stderr, flush=True)


TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run_file_command(command, stdout=subprocess.DEVNULL):
    """Runs a command over a file; returns (seconds, peak RSS in bytes, exit status, stderr tail).

    Peak RSS comes from GNU time's %M when /usr/bin/time exists: os.wait4's ru_maxrss would also count the
    pages the child shared with this Python process between fork and exec (about 17 MB). Without it, wait4.
    """
    with tempfile.TemporaryFile() as errors, tempfile.NamedTemporaryFile(mode="r") as rss_file:
        prefix = [TIME, "-f", "%M", "-o", rss_file.name] if TIME else []
        started = time.perf_counter()
        process = subprocess.Popen(prefix + command, cwd=ROOT, stdout=stdout, stderr=errors,
                                   stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        tail = errors.read()[-2000:].decode("utf-8", "replace").strip()
        rss = usage.ru_maxrss * 1024
        if TIME:
            reported = rss_file.read().strip().splitlines()
            # GNU time writes "Command exited with non-zero status N" before the figure on failure.
            rss = int(reported[-1]) * 1024 if reported and reported[-1].isdigit() else None
    return seconds, rss, process.returncode, tail


def measure_file(samples, side, workload, command, size):
    seconds, rss, status, tail = run_file_command(command)
    if status != 0:
        samples.fail(side, workload, f"exit {status}: " + (tail.splitlines() or [""])[-1])
        log(f"bench:   {' '.join(os.path.basename(c) for c in command[:2])} failed: exit {status}: {tail[-300:]}")
        return
    samples.add(side, workload + ":MB/s", size / MB / seconds, "MB/s")
    samples.add(side, workload + ":s", seconds, "s")
    if rss is not None:
        samples.add(side, workload + ":rss", rss / MB, "MB")
