#!/usr/bin/env python3
"""Dump the task trees that real eliot.parse builds from an Eliot log, in the outline format of
EventLog's WrittenTask.outline, so the Swift tests can compare against it.

    /path/to/venv-with-eliot/bin/python make_parse_expectation.py twisted-eliot.log > twisted-eliot.parse-expected.txt
"""
import json
import sys

from eliot.parse import Parser, WrittenAction, WrittenMessage


def level_text(level):
    return "/" + "/".join(str(i) for i in level)


def outline(node, depth, out):
    indent = "  " * depth
    if isinstance(node, WrittenMessage):
        out.append("%s%s%s" % (indent, node.contents.get("message_type", "<unnamed>"), level_text(node.task_level.level)))
        return
    first = node.start_message.task_level.level if node.start_message else list(node.task_level.level) + [1]
    status = node.status or "?"
    open_ = " (open)" if node.end_message is None else ""
    out.append("%s%s%s %s%s" % (indent, node.action_type or "<unnamed>", level_text(first), status, open_))
    for child in node.children:
        outline(child, depth + 1, out)


def main(path):
    with open(path) as f:
        lines = [json.loads(l) for l in f]
    first_seen = {}
    for i, m in enumerate(lines):
        first_seen.setdefault(m["task_uuid"], i)
    tasks = list(Parser.parse_stream(lines))
    tasks.sort(key=lambda t: first_seen[t.root().task_uuid])
    for task in tasks:
        root = task.root()
        out = []
        outline(root, 0, out)
        complete = isinstance(root, WrittenMessage) or (root.end_message is not None)
        print("task %s" % root.task_uuid)
        print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
