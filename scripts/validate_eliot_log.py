#!/usr/bin/env python3
"""Check that reactortrack's mon.out files are Eliot logs that real eliot.parse rebuilds completely.

    PYTHON_WITH_ELIOT scripts/validate_eliot_log.py FILE...

The files are read as one stream in the given order (as `cat a.log b.log | eliot-tree`).
Exit status: 0 valid and every task complete; 1 usage or I/O error; 2 a line is not a
valid Eliot message; 3 eliot.parse cannot rebuild a task (rejected message, repeated level,
message after its task completed); 4 some task is incomplete. The most severe class found (2, then 3, then 4) decides. Problems print as FILE:LINE: text.
"""

import json
import math
import sys

from eliot.parse import Parser, WrittenAction


def problems_of(message):
    """Why a decoded line is not a message that eliot.parse and eliot-tree handle."""
    if not isinstance(message, dict):
        return ["not a JSON object"]
    found = []
    if not isinstance(message.get("task_uuid"), str) or not message["task_uuid"]:
        found.append("task_uuid must be a non-empty string")
    level = message.get("task_level")
    if not (isinstance(level, list) and level and all(type(n) is int and n > 0 for n in level)):
        found.append("task_level must be a non-empty list of positive integers")
    stamp = message.get("timestamp")
    if type(stamp) not in (int, float) or not math.isfinite(stamp):
        found.append("timestamp must be a finite number")
    if "action_type" in message:
        if not isinstance(message["action_type"], str):
            found.append("action_type must be a string")
        status = message.get("action_status")
        if status not in ("started", "succeeded", "failed"):
            found.append("action_status must be started, succeeded or failed")
        elif isinstance(level, list) and level and (status == "started") != (level[-1] == 1):
            found.append("a start message's level, and only its, ends in 1")
    elif not isinstance(message.get("message_type"), str):
        found.append("a message needs a string message_type or an action_type")
    return found


def placeholders(node):
    """Actions eliot.parse had to invent because their start message never came."""
    if isinstance(node, WrittenAction):
        if node.start_message is None:
            yield node
        for child in node.children:
            yield from placeholders(child)


def severest(current, new):
    """2 (bad line) outranks 3 (unbuildable task), which outranks 4 (incomplete); 0 means none yet."""
    return new if current == 0 else min(current, new)


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 1
    worst = 0
    seen = {}
    messages = []
    for path in paths:
        try:
            handle = open(path, encoding="utf-8")
        except OSError as error:
            print("%s: %s" % (path, error), file=sys.stderr)
            return 1
        with handle:
            for number, raw in enumerate(handle, 1):
                where = "%s:%d" % (path, number)
                if not raw.endswith("\n"):
                    print("%s: last line has no newline (truncated?)" % where)
                    worst = severest(worst, 2)
                try:
                    message = json.loads(raw)
                except ValueError as error:
                    print("%s: not JSON: %s" % (where, error))
                    worst = severest(worst, 2)
                    continue
                bad = problems_of(message)
                for text in bad:
                    print("%s: %s" % (where, text))
                if bad:
                    worst = severest(worst, 2)
                    continue
                key = (message["task_uuid"], tuple(message["task_level"]))
                if key in seen:
                    print("%s: level %r of task %s already used at %s" % (where, key[1], key[0], seen[key]))
                    worst = severest(worst, 3)
                    continue
                seen[key] = where
                messages.append((where, message))
    parser = Parser()
    finished = set()
    for where, message in messages:
        if message["task_uuid"] in finished:
            print("%s: message arrives after task %s completed" % (where, message["task_uuid"]))
            worst = severest(worst, 3)
            continue
        try:
            completed, parser = parser.add(message)
        except Exception as error:  # eliot.parse raises several kinds
            print("%s: eliot.parse rejected it: %s: %s" % (where, type(error).__name__, error))
            worst = severest(worst, 3)
            continue
        for task in completed:
            finished.add(task.root().task_uuid)
    for task in parser.incomplete_tasks():
        root = task.root()
        holes = list(placeholders(root))
        for action in holes:
            print("task %s: the action at %s has children but no start message"
                  % (root.task_uuid, "/" + "/".join(map(str, action.task_level.level))))
        print("task %s is incomplete (root %s)" % (root.task_uuid, getattr(root, "action_type", None)))
        worst = severest(worst, 3 if holes else 4)
    if worst == 0:
        print("%d messages, %d tasks, all complete" % (len(messages), len(finished)))
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
