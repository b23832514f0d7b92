#!/usr/bin/env python3
"""Runs every command on every log shape of issue #22 (scripts/make_shapes.py) and fails on a signal, a timeout or
a peak RSS over the limit; optionally checks that doubling the input at most doubles the work (instructions, by
callgrind), and prints the table of shapes x commands with time and peak RSS.

    Tests/Shapes/run_shapes.py --cli .build/debug/reactortrack --size 2000            # make test: short
    Tests/Shapes/run_shapes.py --cli .build-cli/release/reactortrack --size 100000 --table
    Tests/Shapes/run_shapes.py --cli ... --linear 2000 --shapes line-chained fanout-waited

Exit status 0 when every run passed.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import make_shapes  # noqa: E402

#: name -> arguments after the log (OUT is replaced by a file in the run's directory).
COMMANDS = {
    "svg": ["render", "-o", "OUT.svg"],
    "png": ["render", "-o", "OUT.png"],
    "pdf": ["render", "-o", "OUT.pdf"],
    "html": ["render", "-o", "OUT.html"],
    "tree": ["tree", "--color", "never"],
    "summary": ["summary"],
    "summary-json": ["summary", "--json"],
    "chrome": ["export", "--format", "chrome", "-o", "OUT.json"],
    "otlp-json": ["export", "--format", "otlp-json", "-o", "OUT.otlp.json"],
    "top": ["top", "--once"],
}


def run(cli, log, command, out_dir, timeout):
    """One run: (status, seconds, peak RSS in MiB). Status is 'ok', 'exit N', 'signal NAME' or 'timeout'."""
    args = [a.replace("OUT", os.path.join(out_dir, "out")) for a in COMMANDS[command]]
    argv = [cli, args[0], log] + args[1:]
    start = time.monotonic()
    with open(os.path.join(out_dir, "stdout"), "wb") as stdout, open(os.path.join(out_dir, "stderr"), "wb") as stderr:
        process = subprocess.Popen(argv, stdout=stdout, stderr=stderr)
        try:
            _, status, usage = os.wait4(process.pid, 0) if timeout is None else wait_with_timeout(process, timeout)
        except TimeoutError:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            return "timeout", time.monotonic() - start, usage.ru_maxrss / 1024
    seconds = time.monotonic() - start
    rss = usage.ru_maxrss / 1024
    if os.WIFSIGNALED(status):
        return "signal " + signal.Signals(os.WTERMSIG(status)).name, seconds, rss
    code = os.WEXITSTATUS(status)
    return ("ok" if code == 0 else "exit %d" % code), seconds, rss


def wait_with_timeout(process, timeout):
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            return pid, status, usage
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.02)


def instructions(cli, log, command, out_dir):
    """Instructions executed (valgrind's callgrind "Collected"), for the linear-time check: run as a stripped copy
    (Debian's valgrind cannot read the debug information Swift writes), with deterministic hashing, as
    scripts/perf_check.py does."""
    stripped = os.path.join(out_dir, "stripped-reactortrack")
    if not os.path.exists(stripped):
        subprocess.run(["strip", "-o", stripped, cli], check=True)
    args = [a.replace("OUT", os.path.join(out_dir, "out")) for a in COMMANDS[command]]
    env = dict(os.environ, SWIFT_DETERMINISTIC_HASHING="1")
    with open(os.path.join(out_dir, "stdout"), "wb") as stdout:
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + os.path.join(out_dir, "callgrind.out"),
             stripped, args[0], log] + args[1:], env=env, stdout=stdout, stderr=subprocess.PIPE, text=True)
    match = re.search(r"Collected\s*:\s*(\d+)", run.stderr)
    if not match:
        raise RuntimeError("no instruction count from callgrind: " + run.stderr[-2000:])
    return int(match.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", default=os.path.join(ROOT, ".build/debug/reactortrack"))
    parser.add_argument("--size", type=int, default=2000, help="each shape's size (make_shapes.py's N)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per run")
    parser.add_argument("--rss", type=float, default=1024, help="peak RSS limit per run, MiB")
    parser.add_argument("--shapes", nargs="*", help="only these shapes")
    parser.add_argument("--commands", nargs="*", help="only these commands: " + ", ".join(COMMANDS))
    parser.add_argument("--table", action="store_true", help="print a Markdown table of time and peak RSS")
    parser.add_argument("--linear", type=int, metavar="N",
                        help="instead: check that instructions at 2N are at most 2.3 x those at N")
    parser.add_argument("--keep", help="write the shapes here and keep them")
    args = parser.parse_args()
    shapes = args.shapes or list(make_shapes.SHAPES) + list(make_shapes.ORIGINAL)
    commands = args.commands or list(COMMANDS)
    work = args.keep or tempfile.mkdtemp(prefix="rt-shapes-")
    os.makedirs(work, exist_ok=True)
    failures = []

    if args.linear:
        for shape in shapes:
            logs = []
            for n in (args.linear, 2 * args.linear):
                path = os.path.join(work, "%s-%d%s" % (shape, n, make_shapes.extension(shape)))
                make_shapes.write(shape, make_shapes.sized(shape, n), path)
                logs.append(path)
            for command in commands:
                small, large = (instructions(args.cli, log, command, work) for log in logs)
                ratio = large / small
                verdict = "ok" if ratio <= 2.3 else "FAIL"
                print("%-16s %-13s %14d -> %14d  x%.2f  %s" % (shape, command, small, large, ratio, verdict), flush=True)
                if verdict != "ok":
                    failures.append("%s %s: x%.2f" % (shape, command, ratio))
    else:
        rows = []
        for shape in shapes:
            path = os.path.join(work, shape + make_shapes.extension(shape))
            make_shapes.write(shape, make_shapes.sized(shape, args.size), path)
            size = os.path.getsize(path) / 2**20
            row = []
            for command in commands:
                status, seconds, rss = run(args.cli, path, command, work, args.timeout)
                bad = status not in ("ok",) or rss > args.rss
                row.append((status, seconds, rss))
                line = "%-16s %6.1f MB  %-13s %-14s %7.2f s %8.0f MiB" % (shape, size, command, status, seconds, rss)
                print(line + ("  FAIL" if bad else ""), flush=True)
                if bad:
                    failures.append(line)
            rows.append((shape, size, row))
        if args.table:
            print()
            print("| shape (MB) | " + " | ".join(commands) + " |")
            print("|---|" + "---|" * len(commands))
            for shape, size, row in rows:
                cells = ["%s%.1f s, %.0f MiB" % ("" if s == "ok" else s + " ", t, r) for s, t, r in row]
                print("| %s (%.0f) | %s |" % (shape, size, " | ".join(cells)))
    if failures:
        print("\n%d failed:\n%s" % (len(failures), "\n".join(failures)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
