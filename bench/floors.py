"""The parse floors `make bench` measures beside `cat` (issue 24 §2): simdjson (bench/peers/simdjson_floor.cpp,
built here), DuckDB's read_ndjson (bench/peers/duckdb_floor.py) and `jq -c`, each on the same files as ours."""

import json
import os
import shutil
import subprocess
import tempfile

from measure import MB, log, measure_file, run_file_command

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(ROOT, "bench", "peers")
VENV_PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
SIMDJSON_SOURCE = os.path.join(PEERS, "simdjson_floor.cpp")
SIMDJSON_FLOOR = os.path.join(ROOT, ".build", "bench", "simdjson_floor")


def build_simdjson_floor(notes):
    """Compiles bench/peers/simdjson_floor.cpp into .build/bench (never committed); returns its path or None."""
    if os.path.exists(SIMDJSON_FLOOR) and os.path.getmtime(SIMDJSON_FLOOR) >= os.path.getmtime(SIMDJSON_SOURCE):
        return SIMDJSON_FLOOR
    compiler = shutil.which("g++") or shutil.which("c++")
    if compiler is None:
        notes.append("simdjson floor not measured: no C++ compiler (g++)")
        return None
    os.makedirs(os.path.dirname(SIMDJSON_FLOOR), exist_ok=True)
    failure = ""
    # -march=native first (simdjson's advice for its On-Demand code); without it if the compiler refuses.
    for flags in [["-O2", "-march=native"], ["-O2"]]:
        done = subprocess.run([compiler] + flags + ["-std=c++20", SIMDJSON_SOURCE, "-o", SIMDJSON_FLOOR,
                                                    "-lsimdjson"], capture_output=True, text=True)
        if done.returncode == 0:
            log(f"bench: compiled {os.path.relpath(SIMDJSON_FLOOR, ROOT)} ({' '.join(flags)})")
            return SIMDJSON_FLOOR
        failure = (done.stderr.strip().splitlines() or ["failed"])[0]
    notes.append(f"simdjson floor not measured: compiling it failed (apt-get install libsimdjson-dev): {failure[:120]}")
    return None


def floor_tools(notes):
    """The floor commands beside `cat`: {"simdjson": path or None, "duckdb": bool, "jq": path or None}."""
    duckdb = subprocess.run([VENV_PYTHON, "-c", "import duckdb"], capture_output=True).returncode == 0
    if not duckdb:
        notes.append("DuckDB floor not measured: `import duckdb` fails in .venv (pip install duckdb)")
    jq = shutil.which("jq")
    if jq is None:
        notes.append("jq floor not measured: jq is not installed (apt-get install jq)")
    return {"simdjson": build_simdjson_floor(notes), "duckdb": duckdb, "jq": jq}


def measure_floor(samples, side, workload, command, size):
    """A floor command that prints one JSON line ({"lines", "tasks"[, "query_s"]}): measured as measure_file,
    plus the tasks it grouped (so the floors can be checked against each other) and, for DuckDB, the query's own
    rate without the interpreter's start, under the side `duckdb-query`."""
    with tempfile.TemporaryFile(mode="w+") as output:
        seconds, rss, status, tail = run_file_command(command, stdout=output)
        output.seek(0)
        text = output.read()
    if status != 0:
        samples.fail(side, workload, f"exit {status}: " + (tail.splitlines() or [""])[-1])
        log(f"bench:   {side} failed: exit {status}: {tail[-300:]}")
        return
    samples.add(side, workload + ":MB/s", size / MB / seconds, "MB/s")
    samples.add(side, workload + ":s", seconds, "s")
    if rss is not None:
        samples.add(side, workload + ":rss", rss / MB, "MB")
    record = json.loads(text.strip().splitlines()[-1])
    samples.add(side, workload + ":tasks", record["tasks"], "tasks")
    if "query_s" in record:
        samples.add(side + "-query", side + "-query" + workload[len(side):] + ":MB/s",
                    size / MB / record["query_s"], "MB/s")


def floor_steps(samples, floors, key, path, size, jq=True):
    """The floor commands on one file, beside `cat`: simdjson, DuckDB and (unless told not to) jq."""
    name = f"{key[0]}:{key[1]}"
    steps = []
    if floors["simdjson"]:
        steps.append(lambda: measure_floor(samples, "simdjson", f"simdjson:{name}", [floors["simdjson"], path],
                                           size))
    if floors["duckdb"]:
        steps.append(lambda: measure_floor(samples, "duckdb", f"duckdb:{name}",
                                           [VENV_PYTHON, os.path.join(PEERS, "duckdb_floor.py"), path], size))
    if floors["jq"] and jq:
        steps.append(lambda: measure_file(samples, "jq", f"jq:{name}", [floors["jq"], "-c", ".", path], size))
    return steps


def first_round_only(step):
    """The step, run in the first round only (jq on 100 MB: a minute's work a round for a rate that stays flat)."""
    done = []

    def once():
        if not done:
            done.append(True)
            step()
    return once


def check_floor_tasks(samples, files, notes):
    """simdjson and DuckDB group the same file: they must find the same tasks, or one of them read it wrong."""
    for size_mb, order in files:
        counts = {side: samples.median(side, f"{side}:{size_mb}:{order}:tasks") for side in ["simdjson", "duckdb"]}
        if None not in counts.values() and counts["simdjson"] != counts["duckdb"]:
            notes.append(f"floors disagree on the {size_mb} MB {order} log: simdjson found {counts['simdjson']:.0f} "
                         f"tasks, DuckDB {counts['duckdb']:.0f}")
