#!/usr/bin/env python3
"""Mutation run: damage the test logs in many seeded ways and run `summary --json` and `render` on each mutant.

    python3 scripts/mutate_logs.py --cli .build-cli/release/reactortrack --count 10000 [--seed 1]

A mutant is a test log with a few of: bytes flipped, a line deleted, duplicated, moved or cut, a number replaced
by an extreme one (1e300, -1, 2**63, 1e-320, nan-like text), a string replaced by a hostile one, nesting
deepened. Each command must end by itself within the time limit, without a signal, with status 0 or 1; on
status 0 `summary --json` must print JSON and `render` a file. Prints the counts and exits 1 on any crash or
hang, saving the input under the output folder.
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = [os.path.join(ROOT, "Fuzz", "Corpus", name) for name in sorted(os.listdir(os.path.join(ROOT, "Fuzz", "Corpus")))]
EXTREMES = [b"1e300", b"-1", b"9223372036854775807", b"18446744073709551616", b"1e-320", b"0", b"-0.0",
            b"123456789012345678901234567890", b"1e21", b"2.5e-7"]
HOSTILE = [b'"\\u001b[2J"', b'"\\u202e"', b'"<script>"', b'"' + b"x" * 5000 + b'"', b'"\\u0000"', b"null",
           b"[]", b"{}", b"true", b'"\\ud800"']


def mutate(data, rng):
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(8)
        if not lines:
            lines = [b""]
        i = rng.randrange(len(lines))
        if choice == 0 and lines[i]:
            b = bytearray(lines[i])
            for _ in range(rng.randint(1, 3)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            lines[i] = bytes(b)
        elif choice == 1:
            del lines[i]
        elif choice == 2:
            lines.insert(rng.randrange(len(lines) + 1), lines[i])
        elif choice == 3:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        elif choice == 4:
            numbers = list(re.finditer(rb"-?\d+(\.\d+)?([eE][-+]?\d+)?", lines[i]))
            if numbers:
                m = rng.choice(numbers)
                lines[i] = lines[i][: m.start()] + rng.choice(EXTREMES) + lines[i][m.end():]
        elif choice == 5:
            strings = list(re.finditer(rb'"[^"\\]*"', lines[i]))
            if strings:
                m = rng.choice(strings)
                lines[i] = lines[i][: m.start()] + rng.choice(HOSTILE) + lines[i][m.end():]
        elif choice == 6:
            lines[i] = re.sub(rb'"task_level":\[', b'"task_level":[' + b"2," * rng.randint(1, 60), lines[i], count=1)
        else:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--out", default=tempfile.mkdtemp(prefix="reactortrack-mutants-"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    seeds = [open(path, "rb").read() for path in SEEDS]
    counts = {"runs": 0, "crashes": 0, "hangs": 0, "bad_status": 0, "bad_output": 0}
    log = os.path.join(args.out, "mutant.log")
    svg = os.path.join(args.out, "mutant.svg")
    for n in range(args.count):
        data = mutate(rng.choice(seeds), rng)
        with open(log, "wb") as f:
            f.write(data)
        for command in (["summary", "--json", log], ["render", log, "-o", svg]):
            counts["runs"] += 1
            if os.path.exists(svg):
                os.unlink(svg)
            try:
                done = subprocess.run([args.cli] + command, capture_output=True, timeout=args.timeout)
            except subprocess.TimeoutExpired:
                counts["hangs"] += 1
                open(os.path.join(args.out, f"hang-{n}.log"), "wb").write(data)
                continue
            if done.returncode < 0:
                counts["crashes"] += 1
                open(os.path.join(args.out, f"crash-{n}.log"), "wb").write(data)
            elif done.returncode not in (0, 1):
                counts["bad_status"] += 1
            elif done.returncode == 0:
                if command[0] == "summary":
                    try:
                        json.loads(done.stdout)
                    except ValueError:
                        counts["bad_output"] += 1
                        open(os.path.join(args.out, f"badjson-{n}.log"), "wb").write(data)
                elif not os.path.exists(svg):
                    counts["bad_output"] += 1
    print(f"mutants: {args.count}, " + ", ".join(f"{k} {v}" for k, v in counts.items()) + f" (inputs kept in {args.out})")
    return 1 if counts["crashes"] or counts["hangs"] or counts["bad_output"] else 0


if __name__ == "__main__":
    sys.exit(main())
