#!/usr/bin/env python3
"""Records Deferred cases from real Twisted, in the JSON shape of Tests/DeferTests/Inputs/expected.jsonl.

The 50 cases of expected.jsonl were recorded with Twisted 26.10; this script records the cases added since, for
behaviour those do not pin down, so that the Swift replay is compared with what Twisted does, not with what we
believe it does:

    .venv/bin/python scripts/record_twisted_cases.py > Tests/DeferTests/Inputs/extra-cases.jsonl

`make test` runs it and checks that the checked-in file is what Twisted records.
"""
import json
import sys

from twisted.internet.defer import AlreadyCalledError, CancelledError, Deferred


class ErrorA(Exception):
    pass


def failure_value(error):
    kind = type(error).__name__
    value = {"failure": kind}
    if isinstance(error, ErrorA):
        value["msg"] = str(error)
    return value


def encode(value):
    from twisted.python.failure import Failure

    if isinstance(value, Failure):
        return failure_value(value.value)
    if isinstance(value, Deferred):
        return {"deferred": "anon"}
    return value


class Recorder:
    def __init__(self):
        self.trace = []
        self.named = {}

    def track(self, name, d):
        self.named[name] = d
        return d

    def name(self, d):
        for name, candidate in self.named.items():
            if candidate is d:
                return name
        return "anon"

    def call(self, name, body):
        def run(value):
            event = {"call": name, "in": encode(value)}
            self.trace.append(event)
            try:
                out = body(value)
            except Exception as error:
                event["raised"] = failure_value(error)
                raise
            event["out"] = encode(out)
            return out

        return run

    def op(self, op, d, *args):
        event = {"ev": op, "d": self.name(d)}
        if op in ("callback", "errback"):
            event["value"] = encode(args[0])
        self.trace.append(event)
        try:
            getattr(d, op)(*args)
        except Exception as error:
            self.trace.append({"ev": "raised", "op": op, "d": self.name(d), "error": failure_value(error)})

    def state(self, d):
        snapshot = {"called": bool(d.called), "paused": d.paused}
        if d.called:
            snapshot["result"] = encode(d.result)
        snapshot["waitingOn"] = None
        return snapshot

    def snapshot(self, d):
        self.trace.append(dict({"ev": "state", "d": self.name(d)}, **self.state(d)))

    def final(self):
        return {name: self.state(d) for name, d in self.named.items()}


def canceller_raises():
    """A canceller that raises: the exception comes out of cancel() and the Deferred stays unfired; a later
    cancel() runs the canceller again; the real result, when it comes, runs the chain as usual."""
    r = Recorder()

    def canc(d):
        r.trace.append({"canceller": "canc", "d": r.name(d)})
        raise ErrorA("cannot stop")

    d = r.track("d", Deferred(canceller=canc))
    d.addErrback(r.call("eb1", lambda f: f))
    r.op("cancel", d)
    r.snapshot(d)
    r.op("cancel", d)
    r.op("callback", d, "late")
    d.addCallback(r.call("cb1", lambda v: v + "!"))
    return r


CASES = [("canceller_raises", "core", canceller_raises)]


def main():
    for name, tier, build in CASES:
        r = build()
        line = {"case": name, "tier": tier, "trace": r.trace, "final": r.final()}
        sys.stdout.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
