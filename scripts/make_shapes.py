#!/usr/bin/env python3
"""Writes the log shapes of issue #22 at a chosen size, for the shape run (Tests/Shapes/run_shapes.py) and the
fuzz seeds.

Each shape is a log a long-running service or an attacker could write: a line of Deferreds each linked to the
next, a fan-out (one linked to many) and a fan-in (many linked to one) for each link kind (chainDeferred, a wait,
a returned Deferred), one huge chain (and the same with its lines out of order), one huge task, many open actions
and Deferreds, deep nesting, a task deeper than the reader's limit, and the original Reactor Track format's long
chainDeferred line.

    scripts/make_shapes.py line-chained 100000 -o line.out
    scripts/make_shapes.py --all 1000 -d shapes/      # every shape, one file each
    scripts/make_shapes.py --list
"""

import argparse
import json
import os
import sys

BASE = 1795431274.0
LINK_KINDS = ("chained", "waited", "returned")


class Writer:
    """Writes monitor (mon.out) lines with a clock that moves on by a microsecond per message."""

    def __init__(self, out):
        self.out = out
        self.tick = 0

    def now(self):
        self.tick += 1
        return BASE + self.tick * 1e-6

    def line(self, uuid, level, **fields):
        message = {"task_uuid": uuid, "task_level": level, "timestamp": fields.pop("timestamp", None) or self.now()}
        message.update(fields)
        self.out.write(json.dumps(message, separators=(",", ":")))
        self.out.write("\n")

    def header(self):
        self.line("00000000-0000-4000-8000-000000000000", [1], message_type="reactortrack:format",
                  format_version=2, program="make_shapes")


def uuid_of(n):
    return "d%07x-0000-4000-8000-%012x" % (n % 0x10000000, n)


class DeferredTask:
    """The task of one tracked Deferred: its messages go out as they are added, its level counting on."""

    def __init__(self, w, deferred_id, tracked_by="user", label=None):
        self.w = w
        self.id = deferred_id
        self.uuid = uuid_of(deferred_id)
        self.level = 1
        self.pairs = 0
        w.line(self.uuid, [1], action_type="reactortrack:deferred", action_status="started",
               created_at="shapes.py:1", deferred_id=deferred_id, label=label or "d%d" % deferred_id,
               tracked_by=tracked_by)

    def message(self, **fields):
        self.level += 1
        self.w.line(self.uuid, [self.level], **fields)

    def add(self, callback, errback=None):
        index = self.pairs
        self.pairs += 1
        self.message(message_type="reactortrack:added", callback=callback, errback=errback, index=index,
                     site="shapes.py:2")
        return index

    def fire(self):
        self.message(message_type="reactortrack:fired", path="success", value="1")

    def run(self, index, name, returned=None, wait=False):
        self.level += 1
        self.w.line(self.uuid, [self.level, 1], action_type="reactortrack:run", action_status="started",
                    index=index, input="1", name=name, path="success")
        end = {"output": "1", "output_path": "success"}
        if returned is not None:
            end = {"output": "Deferred #%d" % returned, "output_path": "deferred", "returned_deferred": returned}
        self.w.line(self.uuid, [self.level, 2], action_type="reactortrack:run", action_status="succeeded", **end)
        if returned is not None and wait:
            self.message(message_type="reactortrack:waiting", on=returned)
            self.message(message_type="reactortrack:resumed", **{"from": returned}, waited=1e-6, path="success",
                         value="1")

    def link(self, kind, target):
        """One pair that links to Deferred `target` by `kind`, and its run."""
        if kind == "chained":
            index = self.add("Deferred #%d.callback" % target, "Deferred #%d.errback" % target)
            self.message(message_type="reactortrack:chained", to=target, index=index)
            self.run(index, "Deferred #%d.callback" % target)
        else:
            index = self.add("step")
            self.run(index, "step", returned=target, wait=kind == "waited")

    def end(self):
        self.level += 1
        self.w.line(self.uuid, [self.level], action_type="reactortrack:deferred", action_status="succeeded",
                    ended_by="released", result="1", runs=self.pairs)


def line(kind):
    def write(w, n):
        """Deferred i linked to Deferred i+1, n of them."""
        for i in range(1, n + 1):
            d = DeferredTask(w, i, "user" if i == 1 else "chained")
            if i < n:
                if kind != "chained":
                    d.fire()
                d.link(kind, i + 1)
                if kind == "chained":
                    pass
            else:
                d.fire()
                d.run(d.add("last"), "last")
            d.end()
    return write


def fan_out(kind):
    def write(w, n):
        """Deferred 1 linked to each of n others."""
        root = DeferredTask(w, 1)
        root.fire()
        for i in range(2, n + 2):
            root.link(kind, i)
        root.end()
        for i in range(2, n + 2):
            d = DeferredTask(w, i, "chained")
            d.fire()
            d.run(d.add("leaf"), "leaf")
            d.end()
    return write


def fan_in(kind):
    def write(w, n):
        """n Deferreds each linked to Deferred 1 (n waiting on one)."""
        target = DeferredTask(w, 1, "chained")
        target.fire()
        target.run(target.add("shared"), "shared")
        target.end()
        for i in range(2, n + 2):
            d = DeferredTask(w, i)
            d.fire()
            d.link(kind, 1)
            d.end()
    return write


def huge_chain(w, n):
    """One Deferred with n callback pairs, every one run."""
    d = DeferredTask(w, 1)
    for _ in range(n):
        d.add("cb")
    d.fire()
    for i in range(n):
        d.run(i, "cb")
    d.end()


def huge_chain_unordered(w, n):
    """huge_chain with its lines out of level order: each two lines after the first swapped, as a log merged
    from several writers may have them. (Streamed, a line held back at a time: a shape written from a list
    made this script, and the runs it starts, hundreds of MB large.)"""
    real = w.out

    class Swap:
        def __init__(self):
            self.text = ""
            self.count = 0
            self.held = None

        def write(self, text):
            self.text += text
            if not text.endswith("\n"):
                return
            message, self.text = self.text, ""
            self.count += 1
            if self.count == 1:
                real.write(message)
            elif self.held is None:
                self.held = message
            else:
                real.write(message)
                real.write(self.held)
                self.held = None

    swap = Swap()
    w.out = swap
    huge_chain(w, n)
    if swap.held is not None:
        real.write(swap.held)
    w.out = real


def huge_task(w, n):
    """One Eliot task of n messages under one action."""
    uuid = "e0000000-0000-4000-8000-000000000001"
    w.line(uuid, [1], action_type="app:serve", action_status="started")
    for i in range(n):
        w.line(uuid, [i + 2], message_type="app:request", path="/item/%d" % i)
    w.line(uuid, [n + 2], action_type="app:serve", action_status="succeeded")


def open_actions(w, n):
    """n tasks whose action never ended."""
    for i in range(n):
        w.line("f%07x-0000-4000-8000-%012x" % (i % 0x10000000, i), [1], action_type="app:request",
               action_status="started", path="/item/%d" % i)


def open_deferreds(w, n):
    """n tracked Deferreds with a callback added, never fired."""
    for i in range(1, n + 1):
        d = DeferredTask(w, i)
        d.add("waitingForever")


def nested(depth):
    def write(w, n):
        """n tasks, each actions nested `depth` deep, all ended: the action at depth d starts at level
        [2]*d + [1] and ends at [2]*d + [3]; the innermost holds one message, [2]*(depth-1) + [2]."""
        for t in range(n):
            uuid = "b%07x-0000-4000-8000-%012x" % (t % 0x10000000, t)
            for d in range(depth):
                w.line(uuid, [2] * d + [1], action_type="app:level", action_status="started", depth=d)
            w.line(uuid, [2] * (depth - 1) + [2], message_type="app:leaf")
            for d in reversed(range(depth)):
                w.line(uuid, [2] * d + [3], action_type="app:level", action_status="succeeded")
    return write


def deep_nesting(w, n):
    """n tasks nested 250 deep."""
    nested(250)(w, n)


def too_deep(w, n):
    """A task nested past the reader's task_level limit (1,000), between n ordinary ones on each side."""
    for t in range(n):
        w.line("c%07x-0000-4000-8000-%012x" % (t % 0x10000000, t), [1], message_type="app:before")
    nested(1001)(w, 1)
    for t in range(n):
        w.line("c%07x-0000-4000-8000-%012x" % (t % 0x10000000, n + t), [1], message_type="app:after")


def original_line(out, n):
    """The original Reactor Track format: Deferred i chainDeferred'd to Deferred i+1, n of them."""
    base = 0x1000000
    for i in range(n):
        d = base + i
        if i + 1 < n:
            out.write(json.dumps({"action": "attached", "deferred": d,
                                  "callback": "twisted.internet.defer.Deferred.callback",
                                  "errback": "twisted.internet.defer.Deferred.errback"}) + "\n")
        else:
            out.write(json.dumps({"action": "attached", "deferred": d, "callback": "__main__.last",
                                  "errback": None}) + "\n")
    # The innermost runs first: each holder's record follows those of the Deferred it fired.
    total = 1e-6
    out.write(json.dumps({"action": "executed", "deferred": base + n - 1, "time": total, "callback?": True,
                          "callback": "__main__.last"}) + "\n")
    for i in reversed(range(n - 1)):
        total += 1e-6
        out.write(json.dumps({"action": "executed", "deferred": base + i, "time": total, "callback?": True,
                              "callback": "twisted.internet.defer.Deferred.callback"}) + "\n")


def original_runs(out, n):
    """The original Reactor Track format: one Deferred with n pairs, every one run."""
    d = 0x2000000
    for i in range(n):
        out.write(json.dumps({"action": "attached", "deferred": d, "callback": "__main__.cb%d" % (i % 7),
                              "errback": None}) + "\n")
    for i in range(n):
        out.write(json.dumps({"action": "executed", "deferred": d, "time": 1e-6, "callback?": True,
                              "callback": "__main__.cb%d" % (i % 7)}) + "\n")


SHAPES = {}
for _kind in LINK_KINDS:
    SHAPES["line-" + _kind] = line(_kind)
    SHAPES["fanout-" + _kind] = fan_out(_kind)
    SHAPES["fanin-" + _kind] = fan_in(_kind)
SHAPES.update({
    "huge-chain": huge_chain,
    "huge-chain-unordered": huge_chain_unordered,
    "huge-task": huge_task,
    "open-actions": open_actions,
    "open-deferreds": open_deferreds,
    "deep-nesting": deep_nesting,
    "too-deep": too_deep,
})
ORIGINAL = {"original-line": original_line, "original-runs": original_runs}
#: The size each shape is scaled by: deep nesting writes ~500 lines per task, so its n is tasks.
SCALE = {"deep-nesting": 1 / 250, "too-deep": 1 / 1000}


def extension(shape):
    return ".log" if shape in ORIGINAL else ".out"


def write(shape, n, path):
    with open(path, "w") as out:
        if shape in ORIGINAL:
            ORIGINAL[shape](out, n)
        else:
            w = Writer(out)
            w.header()
            SHAPES[shape](w, n)


def sized(shape, n):
    """The size `n` is written at for `shape`, so that every shape is about n log lines' worth or more."""
    return max(1, int(n * SCALE.get(shape, 1)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("shape", nargs="?", help="one of --list")
    parser.add_argument("n", nargs="?", type=int, help="its size: Deferreds, pairs, messages or tasks")
    parser.add_argument("-o", "--output", help="the file (default: standard output)")
    parser.add_argument("--all", type=int, metavar="N", help="write every shape at size N into --dir")
    parser.add_argument("-d", "--dir", default=".", help="where --all writes (SHAPE.out, SHAPE.log)")
    parser.add_argument("--list", action="store_true", help="list the shapes")
    args = parser.parse_args()
    names = list(SHAPES) + list(ORIGINAL)
    if args.list:
        print("\n".join(names))
        return
    if args.all is not None:
        os.makedirs(args.dir, exist_ok=True)
        for shape in names:
            write(shape, sized(shape, args.all), os.path.join(args.dir, shape + extension(shape)))
        return
    if args.shape not in names or args.n is None:
        parser.error("give a SHAPE (one of: %s) and N, or --all N" % ", ".join(names))
    if args.output:
        write(args.shape, args.n, args.output)
    else:
        w = Writer(sys.stdout)
        if args.shape in ORIGINAL:
            ORIGINAL[args.shape](sys.stdout, args.n)
        else:
            w.header()
            SHAPES[args.shape](w, args.n)


if __name__ == "__main__":
    main()
