#!/usr/bin/env python3
"""`make bench`: our benchmarks beside their peers', measured alternately in one run, as one table.

    python3 bench/run.py [--rounds N] [--inner-rounds N] [--peer-mb N] [--large-mb 100,1024] [--skip-build]
                         [--keep-logs] [--cli PATH] [--results FILE]

Standard library only. Creates (or reuses) .venv with twisted, eliot, eliot-tree and duckdb, builds the release
benchmark products (and the simdjson floor, bench/floors.py), then for every workload runs our side and the peer's side alternately (A B A B ...,
`--rounds` rounds, default 5) and reports medians. Prints the table (workload | ours | peer | ratio |
target | met?) and writes bench/results.json (date, machine, versions, every sample). See bench/README.md.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from floors import check_floor_tasks, first_round_only, floor_steps, floor_tools
from follow import measure_follow
from measure import MB, TIME, log, measure_file
from table import build_table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv")
VENV_PYTHON = os.path.join(VENV, "bin", "python")
ELIOT_TREE = os.path.join(VENV, "bin", "eliot-tree")
RELEASE = os.path.join(ROOT, ".build", "release")
PEERS = os.path.join(ROOT, "bench", "peers")
PYTHON_PACKAGES = ["twisted", "eliot", "eliot-tree", "duckdb"]


# ---------------------------------------------------------------------------------------------------------
# Setup: virtual environment, builds, machine description


def ensure_venv():
    check = [VENV_PYTHON, "-c", "import twisted, eliot, eliottree, duckdb"]
    if os.path.exists(VENV_PYTHON) and subprocess.run(check, capture_output=True).returncode == 0:
        return
    log("bench: creating .venv with " + ", ".join(PYTHON_PACKAGES))
    if not os.path.exists(VENV_PYTHON):
        made = subprocess.run([sys.executable, "-m", "venv", VENV])
        if made.returncode != 0:
            sys.exit("bench: python3 -m venv failed; run `make python-deps` (it installs python3-venv)")
    pip = [VENV_PYTHON, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + PYTHON_PACKAGES
    if subprocess.run(pip).returncode != 0 or subprocess.run(check).returncode != 0:
        sys.exit("bench: could not install " + ", ".join(PYTHON_PACKAGES) + " into .venv")


def declared_products():
    """Executable target names declared in Package.swift."""
    with open(os.path.join(ROOT, "Package.swift"), encoding="utf-8") as handle:
        text = handle.read()
    return set(re.findall(r'executableTarget\(\s*name:\s*"([^"]+)"', text))


def swift_build(product):
    log(f"bench: swift build -c release --product {product}")
    started = time.monotonic()
    done = subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        log(done.stdout[-4000:] + done.stderr[-4000:])
        return False
    log(f"bench:   built in {time.monotonic() - started:.0f} s")
    return True


def build(args):
    """Builds the products; returns (log generator path, reactortrack CLI path or None, why the CLI is missing)."""
    products = declared_products()
    if not args.skip_build:
        for product in ["DeferBenchmarks", "MonitorBenchmarks", "EventLogBenchmarks"]:
            if not swift_build(product):
                sys.exit(f"bench: building {product} failed")
    generator = os.path.join(RELEASE, "LogGenerator")
    if "LogGenerator" in products:
        if not args.skip_build and not swift_build("LogGenerator"):
            sys.exit("bench: building LogGenerator failed")
    else:
        # Not declared in Package.swift (yet): it is self-contained, so compile it directly.
        source = os.path.join(ROOT, "Benchmarks", "LogGenerator", "main.swift")
        generator = os.path.join(ROOT, ".build", "bench", "LogGenerator")
        if not os.path.exists(generator) or os.path.getmtime(generator) < os.path.getmtime(source):
            os.makedirs(os.path.dirname(generator), exist_ok=True)
            log("bench: swiftc -O Benchmarks/LogGenerator/main.swift (LogGenerator is not in Package.swift)")
            flags = ["-swift-version", "6"]
            for feature in ["ExistentialAny", "InternalImportsByDefault", "MemberImportVisibility"]:
                flags += ["-enable-upcoming-feature", feature]
            if subprocess.run(["swiftc", "-O"] + flags + [source, "-o", generator]).returncode != 0:
                sys.exit("bench: compiling LogGenerator failed")
    if args.cli:
        return generator, os.path.abspath(args.cli), None
    if "reactortrack" not in products:
        return generator, None, "the reactortrack product is not in Package.swift yet"
    if not args.skip_build and not swift_build("reactortrack"):
        return generator, None, "swift build --product reactortrack failed"
    cli = os.path.join(RELEASE, "reactortrack")
    if not os.path.exists(cli):
        return generator, None, ".build/release/reactortrack does not exist"
    return generator, cli, None


def machine():
    info = {
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "peak_rss_from": "GNU time %M" if TIME else "os.wait4 ru_maxrss (includes ~the runner's RSS at fork)",
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            models = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
        info["cpu"] = models[0] if models else platform.processor()
        with open("/proc/meminfo", encoding="utf-8") as handle:
            info["memory"] = handle.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True)
    info["swift"] = (swift.stdout or swift.stderr).strip().splitlines()[0] if swift.returncode == 0 else None
    versions = subprocess.run(
        [VENV_PYTHON, "-c",
         "import importlib.metadata as m, json, platform; print(json.dumps({'python (venv)': "
         "platform.python_version(), **{n: m.version(n) for n in ['Twisted', 'eliot', 'eliot-tree']}}))"],
        capture_output=True, text=True)
    if versions.returncode == 0:
        info["peers"] = json.loads(versions.stdout)
    floors = subprocess.run(
        [VENV_PYTHON, "-c", "import importlib.metadata as m; print(m.version('duckdb'))"], capture_output=True, text=True)
    if floors.returncode == 0:
        info.setdefault("peers", {})["duckdb"] = floors.stdout.strip()
    simdjson = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "libsimdjson-dev"], capture_output=True,
                              text=True)
    if simdjson.returncode == 0:
        info.setdefault("peers", {})["libsimdjson-dev"] = simdjson.stdout.strip()
    if shutil.which("jq"):
        info.setdefault("peers", {})["jq"] = subprocess.run(["jq", "--version"], capture_output=True,
                                                            text=True).stdout.strip()
    return info


# ---------------------------------------------------------------------------------------------------------
# Measuring


class Samples:
    """Every sample of every measurement, keyed by (side, workload)."""

    def __init__(self):
        self.values = {}
        self.units = {}
        self.errors = {}

    def add(self, side, workload, value, unit):
        self.values.setdefault((side, workload), []).append(value)
        self.units[(side, workload)] = unit

    def fail(self, side, workload, text):
        self.errors[(side, workload)] = text

    def median(self, side, workload):
        values = [v for v in self.values.get((side, workload), []) if v is not None]
        return statistics.median(values) if values else None

    def to_json(self):
        out = {}
        for (side, workload), values in sorted(self.values.items()):
            out.setdefault(side, {})[workload] = {
                "unit": self.units[(side, workload)], "median": self.median(side, workload), "samples": values}
        for (side, workload), text in sorted(self.errors.items()):
            out.setdefault(side, {}).setdefault(workload, {})["error"] = text
        return out


def run_json(samples, side, command, workloads):
    """Runs a benchmark that prints JSON lines; records each workload's value under `side`."""
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seen = set()
    for line in done.stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        if record["workload"] in workloads:
            samples.add(side, record["workload"], record["value"], record["unit"])
            seen.add(record["workload"])
    if done.returncode != 0 or seen != set(workloads):
        text = f"exit {done.returncode}: " + (done.stderr.strip().splitlines() or ["no output"])[-1]
        for workload in set(workloads) - seen:
            samples.fail(side, workload, text)
        log(f"bench:   {' '.join(command[:2])}: {text}")


def alternate(rounds, steps, label):
    """Runs each step once per round, in order (A B A B ...)."""
    started = time.monotonic()
    for round_number in range(rounds):
        for step in steps:
            step()
    log(f"bench: {label}: {time.monotonic() - started:.0f} s")


# ---------------------------------------------------------------------------------------------------------
# The workloads


DEFER_TIMED = ["success_chain", "error_path", "implicit_chaining", "deep_chain_10k"]
NIO_TIMED = ["nio_map", "nio_flatMapError", "nio_flatMap"]


def deferred_workloads(samples, args):
    ours = os.path.join(RELEASE, "DeferBenchmarks")
    inner = ["--rounds", str(args.inner_rounds)]
    twisted = [VENV_PYTHON, os.path.join(PEERS, "twisted_deferred.py")]
    alternate(args.rounds, [
        lambda: run_json(samples, "ours", [ours, "--json", "--only", ",".join(DEFER_TIMED)] + inner, DEFER_TIMED),
        lambda: run_json(samples, "twisted", twisted + ["--only", ",".join(DEFER_TIMED)] + inner, DEFER_TIMED),
        lambda: run_json(samples, "nio", [ours, "--json", "--only", ",".join(NIO_TIMED)] + inner, NIO_TIMED),
    ], "Deferred chains (ours, Twisted, NIO)")
    # Memory is counted, not timed: one fresh process per side, each the median of 3 inner rounds.
    alternate(1, [
        lambda: run_json(samples, "ours", [ours, "--json", "--only", "memory_pending_3cb"], ["memory_pending_3cb"]),
        lambda: run_json(samples, "twisted", twisted + ["--only", "memory_pending_3cb"], ["memory_pending_3cb"]),
        lambda: run_json(samples, "nio", [ours, "--json", "--only", "nio_memory_pending_3cb"],
                         ["nio_memory_pending_3cb"]),
    ], "memory per pending Deferred")
    # A million-deep chain must work (constant stack): once.
    alternate(1, [lambda: run_json(samples, "ours", [ours, "--json", "--only", "deep_chain_1m"], ["deep_chain_1m"])],
              "1,000,000-deep chain")


def monitor_workloads(samples, args):
    ours = os.path.join(RELEASE, "MonitorBenchmarks")
    names = ["untracked_callback", "tracked_callback_buffered", "tracked_callback_values_full", "tracked_callback_values_short",
             "tracked_callback_values_none", "tracked_callback_spans", "tracked_callback_spans_noop",
             "tracked_callback_flight", "tracked_callback_dumped", "tracked_callback_streaming", "streaming_events"]
    command = [ours, "--json", "--only", ",".join(names), "--rounds", str(args.inner_rounds)]
    alternate(args.rounds, [lambda: run_json(samples, "ours", command, names)],
              "tracked callbacks")


def streaming_threads_workloads(samples, args):
    ours = os.path.join(RELEASE, "MonitorBenchmarks")
    names = ["streaming_8_threads_events", "streaming_8_threads_rss_mb", "streaming_8_threads_lost",
             "streaming_8_threads_write_floor"]
    command = [ours, "--json", "--only", ",".join(names)]
    alternate(args.rounds, [lambda: run_json(samples, "ours", command, names)],
              "streaming monitor, 8 threads")


def writer_workloads(samples, args):
    ours = os.path.join(RELEASE, "EventLogBenchmarks")
    names = ["messages_threaded_file", "actions_memory"]
    eliot = [VENV_PYTHON, os.path.join(PEERS, "eliot_writer.py"), "--rounds", "1"]
    alternate(args.rounds, [
        lambda: run_json(samples, "ours", [ours, "--json", "--only", ",".join(names)], names),
        lambda: run_json(samples, "eliot", eliot + ["--only", ",".join(names)], names),
    ], "log writers (ours, Eliot)")


def generate(generator, size_mb, order, directory):
    path = os.path.join(directory, f"bench-{size_mb}MB-{order}.log")
    started = time.monotonic()
    done = subprocess.run([generator, "--size", f"{size_mb}M", "--order", order, "--out", path],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench: LogGenerator failed: {done.stderr.strip()}")
    log(f"bench:   generated {path} ({os.path.getsize(path) / MB:.0f} MB) in {time.monotonic() - started:.1f} s")
    return path


def measure_report(samples, cli, path, size_mb, directory):
    """`render -o report.html`: its time, the report's size, and the time Chromium takes to open it to
    interactive (bench/report_open.py, with the venv's selenium)."""
    html = os.path.join(directory, f"report-{size_mb}.html")
    measure_file(samples, "ours", f"report:{size_mb}:inorder", [cli, "render", path, "-o", html],
                 os.path.getsize(path))
    if not os.path.exists(html):
        return
    samples.add("ours", f"report:{size_mb}:size", os.path.getsize(html) / MB, "MB file")
    done = subprocess.run([VENV_PYTHON, os.path.join(ROOT, "bench", "report_open.py"), html, "--rounds", "1"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        samples.fail("ours", f"report:{size_mb}:open", (done.stderr.strip().splitlines() or ["failed"])[-1])
        log(f"bench:   report_open failed: {done.stderr.strip()[-300:]}")
        return
    for seconds in json.loads(done.stdout)["open_s"]:
        samples.add("ours", f"report:{size_mb}:open", seconds, "s")


def file_workloads(samples, args, generator, cli, notes):
    """tree, summary, render on generated logs; eliot-tree, cat and the parse floors on the same files."""
    floors = floor_tools(notes)
    directory = tempfile.mkdtemp(prefix="reactortrack-bench-", dir="/tmp")
    files = {}
    try:
        peer_mb = args.peer_mb
        for order in ["inorder", "interleaved"]:
            files[(peer_mb, order)] = generate(generator, peer_mb, order, directory)
        large = []
        if cli is None:
            notes.append("100 MB and 1 GB logs not generated: no reactortrack CLI to run on them")
        else:
            if 100 in args.large_mb:
                large.append(100)
            free = shutil.disk_usage(directory).free
            if 1024 not in args.large_mb:
                notes.append("1 GB logs not generated (--large-mb)")
            elif free < 5 * (1 << 30):
                notes.append(f"1 GB logs skipped: only {free / (1 << 30):.1f} GB free in /tmp (5 GB needed)")
            else:
                large.append(1024)
            for size_mb in large:
                for order in ["inorder", "interleaved"]:
                    files[(size_mb, order)] = generate(generator, size_mb, order, directory)

        def size(key):
            return os.path.getsize(files[key])

        png = os.path.join(directory, "overview.png")
        svg = os.path.join(directory, "overview.svg")
        # Both sides on the same small files, alternating, every round.
        steps = []
        for order in ["inorder", "interleaved"]:
            key = (peer_mb, order)
            path = files[key]
            if cli:
                if order == "inorder":
                    steps.append(lambda p=path, k=key: measure_file(samples, "ours", f"tree:{k[0]}:{k[1]}",
                                                                    [cli, "tree", p], size(k)))
                steps.append(lambda p=path, k=key: measure_file(samples, "ours", f"summary:{k[0]}:{k[1]}",
                                                                [cli, "summary", p], size(k)))
            steps.append(lambda p=path, k=key: measure_file(samples, "eliot-tree", f"eliot-tree:{k[0]}:{k[1]}",
                                                            [ELIOT_TREE, p], size(k)))
            steps.append(lambda p=path, k=key: measure_file(samples, "cat", f"cat:{k[0]}:{k[1]}",
                                                            ["cat", p], size(k)))
            steps += floor_steps(samples, floors, key, path, size(key))
        if cli:
            key = (peer_mb, "inorder")
            steps.append(lambda p=files[key]: measure_report(samples, cli, p, peer_mb, directory))
        alternate(args.rounds, steps, f"{peer_mb} MB logs (tree, summary, eliot-tree, cat, floors, report)")

        # Ours alone on the large files (with cat and the parse floors), as many rounds as the budget allows. jq
        # reads 100 MB in the first round only and never reads 1 GB: at tens of MB/s it would take minutes.
        if floors["jq"] and large:
            notes.append("jq floor: every round on the small logs, the first round only on 100 MB, not on 1 GB")
        steps = []
        for size_mb in large:
            for order in ["inorder", "interleaved"]:
                key = (size_mb, order)
                path = files[key]
                steps.append(lambda p=path, k=key: measure_file(samples, "ours", f"summary:{k[0]}:{k[1]}",
                                                                [cli, "summary", p], size(k)))
                steps.append(lambda p=path, k=key: measure_file(samples, "cat", f"cat:{k[0]}:{k[1]}",
                                                                ["cat", p], size(k)))
                steps += floor_steps(samples, floors, key, path, size(key), jq=False)
                if size_mb == 100:
                    steps += [first_round_only(step) for step in floor_steps(
                        samples, {"simdjson": None, "duckdb": False, "jq": floors["jq"]}, key, path, size(key))]
        if 100 in large:
            key = (100, "inorder")
            path = files[key]
            steps.append(lambda p=path, k=key: measure_file(samples, "ours", f"tree:{k[0]}:{k[1]}",
                                                            [cli, "tree", p], size(k)))
            steps.append(lambda p=path, k=key: measure_file(samples, "ours", f"render-png:{k[0]}:{k[1]}",
                                                            [cli, "render", p, "--view", "overview", "-o", png], size(k)))
            steps.append(lambda p=path, k=key: measure_file(samples, "ours", f"render-svg:{k[0]}:{k[1]}",
                                                            [cli, "render", p, "--view", "overview", "-o", svg], size(k)))
            steps.append(lambda p=path: measure_report(samples, cli, p, 100, directory))
            trace = os.path.join(directory, "trace.json")
            spans = os.path.join(directory, "spans.jsonl")
            steps.append(lambda p=path, k=key: measure_file(samples, "ours", f"export-chrome:{k[0]}:{k[1]}",
                                                            [cli, "export", p, "--format", "chrome", "-o", trace], size(k)))
            steps.append(lambda p=path, k=key: measure_file(samples, "ours", f"export-otlp:{k[0]}:{k[1]}",
                                                            [cli, "export", p, "--format", "otlp-json", "-o", spans], size(k)))
            # `top --once`: one snapshot of the whole log (each interactive read is one of these).
            steps.append(lambda p=path, k=key: measure_file(samples, "ours", f"top-once:{k[0]}:{k[1]}",
                                                            [cli, "top", "--once", p], size(k)))
            # `top` following a log written at a million lines a second (the 1 GB log when there is one: about
            # four seconds of writing), once: its lag behind the log and its memory.
            followed = files.get((1024, "inorder"), path)
            steps.append(first_round_only(lambda p=followed: measure_follow(samples, cli, p, directory)))
            # And a service's log already large when top starts (all but 150,000 of its lines), growing at 10,000
            # lines a second for 15 s: each read after the first reads only what was added.
            lines = sum(1 for _ in open(followed, "rb"))
            steps.append(first_round_only(lambda p=followed, n=lines: measure_follow(
                samples, cli, p, directory, rate=10_000, preload=max(0, n - 150_000), seconds=15)))
        if steps:
            started = time.monotonic()
            rounds_done = 0
            while rounds_done < args.rounds:
                if rounds_done > 0:
                    per_round = (time.monotonic() - started) / rounds_done
                    if args.deadline and time.monotonic() + per_round > args.deadline:
                        notes.append(f"100 MB/1 GB rows: {rounds_done} of {args.rounds} rounds, to stay within the "
                                     f"{args.budget:.0f} s budget (one round took {per_round:.0f} s)")
                        break
                for step in steps:
                    step()
                rounds_done += 1
            log(f"bench: large logs (ours alone, cat, floors), {rounds_done} rounds: "
                f"{time.monotonic() - started:.0f} s")
        check_floor_tasks(samples, files, notes)
        return {f"{key[0]}MB {key[1]}": size(key) for key in files}
    finally:
        if args.keep_logs:
            log(f"bench: logs kept in {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)




def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per workload (default 5)")
    parser.add_argument("--inner-rounds", type=int, default=3,
                        help="timed rounds inside each Deferred/Monitor benchmark process (default 3)")
    parser.add_argument("--peer-mb", type=int, default=10, help="size of the logs eliot-tree reads (default 10)")
    parser.add_argument("--large-mb", default="100,1024",
                        help="the ours-alone logs, in MB: 100, 1024 or both (default 100,1024); '' for none")
    parser.add_argument("--skip-build", action="store_true", help="use the products already built")
    parser.add_argument("--keep-logs", action="store_true", help="keep the generated logs")
    parser.add_argument("--cli", help="a reactortrack binary to use instead of .build/release/reactortrack")
    parser.add_argument("--results", default=os.path.join(ROOT, "bench", "results.json"))
    parser.add_argument("--only", help="comma-separated groups: deferred,monitor,writers,files")
    parser.add_argument("--budget", type=float, default=840,
                        help="seconds for the whole run (default 840): the ours-alone 100 MB / 1 GB runs get fewer "
                             "rounds (at least 1, said in a note) when more would not fit; 0 = no limit")
    args = parser.parse_args()
    args.large_mb = {int(size) for size in args.large_mb.split(",") if size.strip()}
    if not args.large_mb <= {100, 1024}:
        parser.error("--large-mb takes 100, 1024 or both")
    args.deadline = time.monotonic() + args.budget if args.budget else None
    groups = set(args.only.split(",")) if args.only else {"deferred", "monitor", "writers", "files"}

    started = time.monotonic()
    date = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    ensure_venv()
    generator, cli, cli_missing = build(args)
    info = machine()
    log(f"bench: {info.get('cpu')}, {info['cpus']} cpus, load {info['loadavg_at_start'][0]:.2f}; "
        f"{args.rounds} rounds, alternating")
    measuring = time.monotonic()

    samples = Samples()
    notes = []
    if cli_missing:
        notes.append(f"reactortrack CLI not built ({cli_missing}): tree/summary/render rows are n/a")
    if "deferred" in groups:
        deferred_workloads(samples, args)
    if "monitor" in groups:
        monitor_workloads(samples, args)
        streaming_threads_workloads(samples, args)
    if "writers" in groups:
        writer_workloads(samples, args)
    file_sizes = {}
    if "files" in groups:
        file_sizes = file_workloads(samples, args, generator, cli, notes)
    large = {int(k.split("MB")[0]) for k in file_sizes if int(k.split("MB")[0]) != args.peer_mb}

    table = build_table(samples, cli_missing, args.peer_mb, large)
    elapsed = time.monotonic() - started
    info["loadavg_at_end"] = os.getloadavg()
    title = (f"reactortrack benchmarks, {date}, {info.get('cpu')} ({info['cpus']} cpus), "
             f"medians of {args.rounds} alternating rounds")
    print(title)
    print(table.render())
    for note in notes:
        print("note: " + note)
    print(f"total: {elapsed:.0f} s ({measuring - started:.0f} s setup and builds); "
          f"load average {info['loadavg_at_start'][0]:.2f} at start, {info['loadavg_at_end'][0]:.2f} at end")

    result = {
        "date": date, "machine": info, "rounds": args.rounds, "inner_rounds": args.inner_rounds,
        "peer_mb": args.peer_mb, "cli": cli, "cli_missing": cli_missing, "notes": notes,
        "files": file_sizes, "seconds": round(elapsed, 1),
        "table": [r for r in table.rows], "samples": samples.to_json(),
        "children_rusage_maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }
    with open(args.results, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    print(f"wrote {os.path.relpath(args.results, ROOT)}")


if __name__ == "__main__":
    main()
