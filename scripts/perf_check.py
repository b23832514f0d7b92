#!/usr/bin/env python3
"""`make perf-check`: instruction counts of fixed workloads, against bench/perf-baseline.json.

Wall-clock time on these shared 2-core machines moves by a third from one run to the next; the number of
instructions a program executes does not. Each workload runs under `valgrind --tool=callgrind` and its
instruction count (callgrind's "Collected" Ir total) is compared with the baseline: a rise of more than
`--threshold` percent (3 by default) fails the check, and so does a fall of more than that (the baseline is then
stale: rewrite it with `make perf-baseline` and say why in the commit).

Workloads:
- untracked_callback / tracked_callback / flight_callback (the monitor as a flight recorder) / dumped_callback (the
  buffered monitor, then `dump(to:)`: recording plus the encoding the streaming writer thread does, on one thread,
  so its count does not depend on how the threads were scheduled):
  `MonitorBenchmarks --only ... --rounds 1 --chains N`, run at N and 2N; the difference over 10 N callbacks is the
  count per callback, so start-up and the fixed costs cancel out.
- summary_10mb, tree_10mb, render_overview_10mb, export_chrome_10mb, report_10mb: the command on a 10 MB log
  from `LogGenerator` (deterministic for its seed), whole process. The last two are the streamed export and
  HTML report (each chain family written as it completes).

Swift's hashing is seeded per process; SWIFT_DETERMINISTIC_HASHING=1 makes the counts repeatable. Each program
runs as a stripped copy: Debian's valgrind cannot read the debug information Swift 6.3 writes.

    scripts/perf_check.py --cli PATH --bench-dir .build-cli/release [--update] [--self-test] [--only a,b]

`--self-test` shows the gate catching a real slowdown: it runs the untracked workload doing 5% more callbacks
than it reports, which must fail the check against a baseline taken honestly in the same run.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASELINE = os.path.join(ROOT, "bench", "perf-baseline.json")
CHAINS = 2000


_stripped = {}


def stripped(program, workdir):
    """A stripped copy of `program` in `workdir` (made once)."""
    if program not in _stripped:
        copy = os.path.join(workdir, "stripped-%d-%s" % (len(_stripped), os.path.basename(program)))
        subprocess.run(["strip", "-o", copy, program], check=True)
        _stripped[program] = copy
    return _stripped[program]


def callgrind(command, workdir, env_extra=None):
    """The instruction count of one run of `command` under callgrind."""
    command = [stripped(command[0], workdir)] + command[1:]
    out = os.path.join(workdir, "callgrind.out")
    env = dict(os.environ, SWIFT_DETERMINISTIC_HASHING="1", **(env_extra or {}))
    # What the command prints goes to a file of the work directory, never to a system path.
    with open(os.path.join(workdir, "stdout.txt"), "w") as stdout:
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + command,
            cwd=workdir, env=env, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=900)
    if run.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (" ".join(command), run.returncode, run.stderr[-2000:]))
    match = re.search(r"Collected\s*:\s*(\d+)", run.stderr)
    if not match:
        raise RuntimeError("no instruction count from callgrind for %s: %s" % (command, run.stderr[-2000:]))
    os.unlink(out)
    return int(match.group(1))


def per_callback(bench, workload, workdir, chains=CHAINS, actual=None):
    """Instructions per callback: (count at 2N - count at N) / 10 N. `actual` runs that many chains instead of
    N at the larger size while still dividing by N (the self-test's deliberate slowdown)."""
    def count(n):
        return callgrind([bench, "--only", workload, "--rounds", "1", "--chains", str(n)], workdir)
    small = count(chains)
    large = count(actual if actual else 2 * chains)
    return (large - small) / (10.0 * chains)


def measure(args, workdir, only):
    bench = os.path.join(args.bench_dir, "MonitorBenchmarks")
    results = {}
    if only is None or "untracked_callback" in only:
        results["untracked_callback"] = per_callback(bench, "untracked_callback", workdir)
    if only is None or "tracked_callback" in only:
        results["tracked_callback"] = per_callback(bench, "tracked_callback_buffered", workdir)
    if only is None or "dumped_callback" in only:
        results["dumped_callback"] = per_callback(bench, "tracked_callback_dumped", workdir)
    if only is None or "flight_callback" in only:
        results["flight_callback"] = per_callback(bench, "tracked_callback_flight", workdir)
    file_workloads = {
        "summary_10mb": ["summary", "LOG"],
        "tree_10mb": ["tree", "--color", "never", "LOG"],
        "render_overview_10mb": ["render", "LOG", "--view", "overview", "-o", "overview.svg"],
        "export_chrome_10mb": ["export", "LOG", "-o", "trace.json"],
        "report_10mb": ["render", "LOG", "-o", "report.html"],
    }
    wanted = [name for name in file_workloads if only is None or name in only]
    if wanted:
        log = os.path.join(workdir, "perf-10mb.log")
        generator = os.path.join(args.bench_dir, "LogGenerator")
        subprocess.run([generator, "--size", "10M", "--order", "inorder", "--seed", "1", "--out", log], check=True)
        for name in wanted:
            command = [args.cli] + [log if part == "LOG" else part for part in file_workloads[name]]
            results[name] = float(callgrind(command, workdir))
    return results


def compare(results, baseline, threshold):
    failures = []
    print("%-24s %16s %16s %8s" % ("workload", "baseline", "now", "change"))
    for name, value in results.items():
        base = baseline.get(name)
        if base is None:
            failures.append("%s: no baseline (run make perf-baseline)" % name)
            print("%-24s %16s %16.1f %8s" % (name, "-", value, "-"))
            continue
        change = (value - base) / base * 100
        print("%-24s %16.1f %16.1f %+7.2f%%" % (name, base, value, change))
        if abs(change) > threshold:
            direction = "rose" if change > 0 else "fell"
            failures.append("%s %s by %.2f%% (limit %.1f%%)" % (name, direction, abs(change), threshold))
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cli", required=True)
    parser.add_argument("--bench-dir", required=True)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--threshold", type=float, default=3.0)
    parser.add_argument("--update", action="store_true", help="rewrite the baseline with this run's counts")
    parser.add_argument("--self-test", action="store_true", help="show that a 5%% slowdown fails the check")
    parser.add_argument("--only", help="comma-separated workloads")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="perf-check-") as workdir:
        if args.self_test:
            bench = os.path.join(args.bench_dir, "MonitorBenchmarks")
            honest = per_callback(bench, "untracked_callback", workdir)
            slowed = per_callback(bench, "untracked_callback", workdir, actual=int(CHAINS * 2.05))
            failures = compare({"untracked_callback": slowed}, {"untracked_callback": honest}, args.threshold)
            if failures:
                print("self-test: a 5% slowdown fails the check, as it must: " + failures[0])
                passed += 1
            else:
                print("self-test FAILED: a 5% slowdown passed the check")
                failed += 1
            print("%d passed, %d failed" % (passed, failed))
            return 1 if failed else 0
        results = measure(args, workdir, only)
    if args.update:
        # Workloads not measured in this run (`--only`) keep their baseline.
        updated = {}
        if os.path.exists(args.baseline):
            with open(args.baseline) as f:
                updated = json.load(f)
        updated.update({name: round(value, 1) for name, value in results.items()})
        with open(args.baseline, "w") as f:
            json.dump(dict(sorted(updated.items())), f, indent=2)
            f.write("\n")
        print("wrote %s" % os.path.relpath(args.baseline, ROOT))
        return 0
    with open(args.baseline) as f:
        baseline = json.load(f)
    failures = compare(results, baseline, args.threshold)
    for failure in failures:
        print("perf-check: " + failure)
    failed = len(failures)
    passed = len(results) - failed
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
