#!/usr/bin/env python3
"""
Write Eliot logs with the real `eliot` library, plus the facts `eliot.parse`
derives from them, as an oracle for reactortrack's Swift log reader.

    /work/main/.venv/bin/python make_oracle_logs.py OUTDIR

For each log NAME.log the script writes NAME.facts.json, computed only from the
file on disk (json.loads per line, fed to eliot.parse.Parser), and prints
"PATH: N lines". It exits non-zero on any error, including a log whose parsed
tasks differ from the expected summary in LOGS.

Runs are deterministic: eliot's clock (`time.time` as eliot._action sees it)
and `uuid4` are replaced by a seeded fake, and the functions of this file
report their file by basename, so tracebacks in the logs don't depend on where
the checkout lives. Two runs give byte-identical output.

nested.log        sequential tasks: lone messages (log_message, deprecated
                  Message.log) with mixed field types; sync:run, 4 levels deep
                  with start and success fields, where children fail and their
                  parents catch the exceptions (builtins.KeyError with
                  write_traceback inside the action, json.decoder.JSONDecodeError,
                  builtins.ValueError with an empty reason) and the root
                  succeeds; sync:upload, where __main__.QuotaExceeded reaches
                  the root; a lone top-level eliot:traceback; codec:probe with
                  unicode, newline/tab, a 2000-character string, nested
                  dicts/lists, big/negative/float numbers, booleans and null.
interleaved.log   concurrent tasks whose lines alternate: three worker:job
                  tasks switched with Action.context (one fails and logs
                  write_failure), monitor:heartbeat lone messages,
                  and queue:enqueue, whose root ends right after
                  serialize_task_id(); it only completes when a later
                  Action.continue_task (eliot:remote_task) finishes.
damaged-open.log  a process killed mid-run: service:serve (entered with
                  Action.run/context) never ends, leaving an open request and
                  an open db query; batch:nightly ends while its child
                  batch:export is still open, so its task stays incomplete;
                  complete tasks in between.

Facts: {"log", "lines", "tasks", "totals"}; tasks in order of their first line,
"complete" meaning eliot.parse returned the task before EOF. Action nodes have
{depth, kind, type, task_level, status, start_fields, end_fields} (null when
that message is missing), message nodes {depth, kind, type, task_level,
fields}; fields leave out task_uuid, task_level, timestamp, message_type,
action_type and action_status. eliot.parse forgets a task once it completes,
so a later line with its uuid would start a second task with its own entry;
these logs avoid that, and the expected task lists in LOGS would catch it.
"""

import contextvars
import inspect
import json
import os
import random
import sys
import types
import uuid
import warnings

from eliot import (Action, FileDestination, Message, add_destinations, log_message,
                   remove_destination, start_action, write_failure, write_traceback)
from eliot import _action as eliot_action  # where eliot calls time.time() and uuid4()
from eliot.parse import Parser, WrittenMessage
from twisted.python.failure import Failure

SEED = 1700
START = 1700000000.0
STANDARD_KEYS = {"task_uuid", "task_level", "timestamp", "message_type", "action_type",
                 "action_status"}
URLS = ["https://example.com/a.json", "https://cdn.example.org/b.json"]
LONG_TEXT = "".join("%04d:%s " % (i, "abcdefghij"[i % 10] * 5) for i in range(200))[:2000]


class QuotaExceeded(Exception):
    """An application exception, logged as __main__.QuotaExceeded."""


class FakeEnvironment:
    """A seeded clock and uuid4 for eliot."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.micros = 0

    def time(self):
        now = START + self.micros / 1e6
        if self.rng.random() < 0.05:
            self.micros += self.rng.randint(500_000, 2_000_000)
        else:
            self.micros += self.rng.randint(3, 900)
        return now

    def uuid4(self):
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)


# --- nested.log ---------------------------------------------------------------

def fetch(url, attempt):
    """http:fetch > cache:lookup (fails, caught here) and http:connect > tls:handshake."""
    host = url.split("/")[2]
    with start_action(action_type="http:fetch", url=url, attempt=attempt) as action:
        try:
            with start_action(action_type="cache:lookup", key=url):
                raise KeyError(url)
        except KeyError:
            write_traceback()
        with start_action(action_type="http:connect", host=host, port=443) as connect:
            with start_action(action_type="tls:handshake", sni=host) as tls:
                tls.add_success_fields(cipher="TLS_AES_128_GCM_SHA256", resumed=attempt > 1)
            connect.add_success_fields(local_port=50000 + attempt)
        body = '{"items": [1, 2, 3]}' if attempt > 1 or "cdn" not in url else "<html>"
        with start_action(action_type="http:decode", content_type="application/json"):
            items = json.loads(body)["items"]
        action.add_success_fields(bytes=len(body) * 1024, status=200, items=items)
        return len(body) * 1024


def sync_run():
    with start_action(action_type="sync:run", job="nightly", urls=len(URLS)) as root:
        total = 0
        for url in URLS:
            for attempt in (1, 2):
                try:
                    total += fetch(url, attempt)
                    break
                except json.JSONDecodeError as exc:
                    log_message("sync:retry", url=url, attempt=attempt, error=str(exc))
        try:
            with start_action(action_type="db:store", rows=total // 1024):
                with start_action(action_type="db:validate", schema="v3"):
                    raise ValueError()
        except ValueError:
            log_message("db:store_skipped", reason=None, rows=total // 1024)
        root.add_success_fields(total_bytes=total, summary={"fetched": 2, "stored": 0,
                                                            "errors": ["ValueError"]})


def check_quota(user, used_gib):
    if used_gib > 10:
        raise QuotaExceeded("quota exceeded for user %d: %.1f GiB of 10 GiB" % (user, used_gib))


def upload_run():
    with start_action(action_type="sync:upload", user=42, files=["a.bin", "b.bin"]):
        with start_action(action_type="upload:batch", batch=1):
            for chunk in range(1, 4):
                with start_action(action_type="upload:chunk", chunk=chunk, size=4194304):
                    with start_action(action_type="quota:check", user=42) as quota:
                        check_quota(42, 9.6 + chunk * 0.2)
                        quota.add_success_fields(remaining_gib=round(0.4 - chunk * 0.2, 1))


def nested_log():
    log_message("app:startup", version="2.4.1", pid=4242, debug=False, config=None, ratio=0.75,
                features=["fetch", "upload"], limits={"retries": 2, "timeout_s": 12.5})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        Message.log(message_type="app:legacy_notice", note="written with Message.log")
    sync_run()
    try:
        upload_run()
    except QuotaExceeded:
        pass
    try:
        int("eighty")
    except ValueError:
        write_traceback()
    fields = {"text": "naïve café 東京 🚀", "multiline": "first line\nsecond\tcolumn",
              "quoted": 'she said "hi" \\o/', "ключ": "значение", "key with space": "",
              "count": 42, "ratio": 0.1 + 0.2, "negative": -17, "tiny": -2.5e-07,
              "big": 9007199254740993, "avogadro": 6.02214076e23, "zero": 0.0,
              "yes": True, "no": False, "nothing": None, "empty_list": [], "empty_dict": {}}
    with start_action(action_type="codec:probe", **fields) as probe:
        log_message("codec:sample", matrix=[[1, 2], [3, -4.5]],
                    meta={"tags": ["a", "ü"], "deep": {"x": {"y": [None, True, 1.5, "🚀"]}}})
        probe.add_success_fields(echo=LONG_TEXT, length=len(LONG_TEXT), emoji="🚀" * 3)


# --- interleaved.log ------------------------------------------------------------

def work_step(worker_no, step):
    with start_action(action_type="worker:step", step=step) as action:
        log_message("worker:progress", worker=worker_no, percent=step * 33)
        if worker_no == 2 and step == 2:
            raise KeyError("shard-2/manifest")
        action.add_success_fields(items=step * 10)


def consume(task_id):
    """The "second process": picks the job up from its serialized task id."""
    with Action.continue_task(task_id=task_id, host="worker-b"):
        with start_action(action_type="thumbnail:render", size=[128, 128]) as render:
            log_message("thumbnail:cache_miss", key="img/42.png")
            render.add_success_fields(bytes_out=5120)


def interleaved_log():
    producer = start_action(action_type="queue:enqueue", queue="thumbnails", job="job-7")
    with producer.context():
        task_id = producer.serialize_task_id()
        log_message("queue:enqueued", position=3)
    producer.finish()
    workers = {n: start_action(action_type="worker:job", worker=n, shard="shard-%d" % n)
               for n in (1, 2, 3)}
    for step in (1, 2, 3):
        for n, worker in list(workers.items()):
            with worker.context():
                try:
                    work_step(n, step)
                except KeyError as exc:
                    write_failure(Failure())
                    worker.finish(exc)
                    del workers[n]
        log_message("monitor:heartbeat", round=step, alive=sorted(workers))
        if step == 2:
            consume(task_id)
    for n, worker in workers.items():
        worker.add_success_fields(steps=3)
        worker.finish()


# --- damaged-open.log -------------------------------------------------------------

def handle(path, fail=False):
    with start_action(action_type="http:request", method="GET", path=path) as request:
        if fail:
            raise TimeoutError("upstream did not answer in 2.0s")
        request.add_success_fields(status=200)


def damaged_open_log():
    log_message("app:boot", argv=["serve", "--port", "8080"], pid=977)
    server = start_action(action_type="service:serve", port=8080)
    batch = start_action(action_type="batch:nightly", tables=["users", "orders"])
    server.run(handle, "/health")
    with batch.context():
        export = start_action(action_type="batch:export", table="users")  # never finished
        with export.context():
            log_message("batch:export_progress", rows=5000, of=120000)
            with start_action(action_type="batch:write_chunk", chunk=1) as chunk:
                chunk.add_success_fields(bytes=65536)
    with server.context():
        try:
            handle("/orders/9", fail=True)
        except TimeoutError:
            write_traceback()
    batch.add_success_fields(note="finished while batch:export is still running")
    batch.finish()
    with server.context():
        upload = start_action(action_type="http:request", method="POST", path="/upload")
        with upload.context():
            start_action(action_type="db:query", sql="SELECT id\n\tFROM uploads WHERE id = ?")
    log_message("cron:tick", job="rotate-logs", due=True)
    with start_action(action_type="cache:warm", keys=3) as warm:
        warm.add_success_fields(hits=2, misses=1)
    # The process dies here: serve, its POST request, db:query and batch:export stay open.


# (name, scenario, expected (root_type, status, complete) of each task by first line)
LOGS = [
    ("nested", nested_log, [
        ("app:startup", None, True), ("app:legacy_notice", None, True),
        ("sync:run", "succeeded", True), ("sync:upload", "failed", True),
        ("eliot:traceback", None, True), ("codec:probe", "succeeded", True)]),
    ("interleaved", interleaved_log, [
        ("queue:enqueue", "succeeded", True), ("worker:job", "succeeded", True),
        ("worker:job", "failed", True), ("worker:job", "succeeded", True),
        ("monitor:heartbeat", None, True), ("monitor:heartbeat", None, True),
        ("monitor:heartbeat", None, True)]),
    ("damaged-open", damaged_open_log, [
        ("app:boot", None, True), ("service:serve", "started", False),
        ("batch:nightly", "succeeded", False), ("cron:tick", None, True),
        ("cache:warm", "succeeded", True)]),
]


def write_log(path, scenario, seed):
    fake = FakeEnvironment(seed)
    saved = eliot_action.time, eliot_action.uuid4
    eliot_action.time, eliot_action.uuid4 = types.SimpleNamespace(time=fake.time), fake.uuid4
    try:
        with open(path, "wb") as f:
            destination = FileDestination(file=f)
            add_destinations(destination)
            try:
                contextvars.copy_context().run(scenario)  # no action context leaks out
            finally:
                remove_destination(destination)
    finally:
        eliot_action.time, eliot_action.uuid4 = saved


# --- facts ------------------------------------------------------------------------

def user_fields(message):
    if message is None:
        return None
    return {k: v for k, v in message.contents.items() if k not in STANDARD_KEYS}


def describe(task, complete, first_line, lines):
    root = task.root()
    facts = {"task_uuid": root.task_uuid, "complete": complete, "messages": lines,
             "failed_actions": [], "open_actions": [], "traceback_messages": 0, "nodes": []}

    def walk(node, depth):
        level = node.task_level.as_list()
        if isinstance(node, WrittenMessage):
            message_type = node.contents.get("message_type")
            if message_type == "eliot:traceback":
                facts["traceback_messages"] += 1
            facts["nodes"].append({"depth": depth, "kind": "message", "type": message_type,
                                   "task_level": level, "fields": user_fields(node)})
            return
        facts["nodes"].append({"depth": depth, "kind": "action", "type": node.action_type,
                               "task_level": level, "status": node.status,
                               "start_fields": user_fields(node.start_message),
                               "end_fields": user_fields(node.end_message)})
        if node.status == "failed":
            facts["failed_actions"].append({"action_type": node.action_type, "task_level": level,
                                            "exception": node.exception, "reason": node.reason})
        if node.end_message is None:
            facts["open_actions"].append({"action_type": node.action_type, "task_level": level})
        for child in node.children:
            walk(child, depth + 1)

    walk(root, 0)
    if isinstance(root, WrittenMessage):
        facts.update(root_type=root.contents.get("message_type"), status=None,
                     start=root.timestamp, end=root.timestamp, duration=None)
    else:
        facts.update(root_type=root.action_type, status=root.status, start=root.start_time,
                     end=root.end_time, duration=None)
        if complete:
            facts["duration"] = root.end_time - root.start_time
    return first_line, facts


def compute_facts(path):
    with open(path, "rb") as f:
        raw = f.read()
    if not raw.endswith(b"\n") or b"\n\n" in raw:
        raise ValueError("%s: blank or unterminated line" % path)
    messages = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
    # Do what Parser.parse_stream does, but remember each task's first line,
    # its line count, and whether it came out before EOF (complete) or at EOF.
    parser, pending, described = Parser(), {}, []
    for number, message in enumerate(messages, 1):
        uuid_ = message["task_uuid"]
        record = pending.setdefault(uuid_, {"first": number, "lines": 0})
        record["lines"] += 1
        completed, parser = parser.add(message)
        for task in completed:
            done = pending.pop(task.root().task_uuid)
            described.append(describe(task, True, done["first"], done["lines"]))
    for task in parser.incomplete_tasks():
        record = pending.pop(task.root().task_uuid)
        described.append(describe(task, False, record["first"], record["lines"]))
    streamed = sorted((t.root().task_uuid, t.is_complete()) for t in Parser.parse_stream(messages))
    if streamed != sorted((f["task_uuid"], f["complete"]) for _, f in described) or pending:
        raise AssertionError("%s: Parser.add bookkeeping disagrees with parse_stream" % path)
    tasks = [facts for _, facts in sorted(described, key=lambda pair: pair[0])]
    by_status = {"succeeded": 0, "failed": 0, "started": 0, "message": 0}
    for task in tasks:
        by_status[task["status"] or "message"] += 1
    complete = sum(task["complete"] for task in tasks)
    totals = {"tasks": len(tasks), "complete": complete, "incomplete": len(tasks) - complete,
              "by_status": by_status,
              "failed_actions": sum(len(task["failed_actions"]) for task in tasks),
              "traceback_messages": sum(task["traceback_messages"] for task in tasks)}
    return {"log": os.path.basename(path), "lines": len(messages), "tasks": tasks,
            "totals": totals}


def relative_code_paths():
    """Make tracebacks name this file by basename, whatever the checkout path."""
    name = os.path.basename(__file__)
    for obj in list(globals().values()):
        if inspect.isfunction(obj) and obj.__module__ == __name__:
            obj.__code__ = obj.__code__.replace(co_filename=name)


def main(argv):
    if len(argv) == 4 and argv[1] == "--facts":
        # The facts of a log written elsewhere (a flight record of the monitor), for the same comparison.
        with open(argv[3], "w", encoding="utf-8") as f:
            f.write(json.dumps(compute_facts(argv[2]), sort_keys=True, indent=1, ensure_ascii=False) + "\n")
        return 0
    if len(argv) != 2:
        print("usage: make_oracle_logs.py OUTDIR | --facts LOG OUT.json", file=sys.stderr)
        return 2
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    relative_code_paths()
    for index, (name, scenario, expected) in enumerate(LOGS):
        log_path = os.path.join(outdir, name + ".log")
        write_log(log_path, scenario, SEED + index)
        facts = compute_facts(log_path)
        got = [(t["root_type"], t["status"], t["complete"]) for t in facts["tasks"]]
        if got != expected:
            raise AssertionError("%s: tasks %r, expected %r" % (log_path, got, expected))
        with open(os.path.join(outdir, name + ".facts.json"), "w", encoding="utf-8") as f:
            f.write(json.dumps(facts, sort_keys=True, indent=1, ensure_ascii=False) + "\n")
        print("%s: %d lines" % (log_path, facts["lines"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
