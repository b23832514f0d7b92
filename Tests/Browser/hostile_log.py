"""Writes an Eliot log whose every string is hostile to an HTML page: script tags, quotes, a closing </script>,
control characters, line separators, and one 1 MB value. The report must show all of it as text and run none.

Usage: hostile_log.py OUT
"""
import json
import sys
import uuid

HOSTILE = "<script>alert(1)</script>\"'`</script><!-- &amp; \u2028\u2029\x00\x07\x1b[31m <img src=x onerror=alert(2)>"


def main(out):
    lines = []
    t = 1_700_000_000.0
    # A tracked Deferred, in the monitor's vocabulary, with hostile names and values.
    task = str(uuid.UUID(int=1))
    lines.append({"task_uuid": task, "task_level": [1], "action_type": "reactortrack:deferred",
                  "action_status": "started", "timestamp": t, "deferred_id": 1, "label": HOSTILE,
                  "created_at": HOSTILE, "tracked_by": "user"})
    lines.append({"task_uuid": task, "task_level": [2], "message_type": "reactortrack:added", "timestamp": t + 0.001,
                  "index": 0, "callback": HOSTILE, "errback": None, "site": HOSTILE})
    lines.append({"task_uuid": task, "task_level": [3], "message_type": "reactortrack:fired", "timestamp": t + 0.002,
                  "path": "success", "value": "x" * 1_000_000})
    lines.append({"task_uuid": task, "task_level": [4, 1], "action_type": "reactortrack:run",
                  "action_status": "started", "timestamp": t + 0.003, "index": 0, "name": HOSTILE,
                  "path": "success", "input": HOSTILE})
    lines.append({"task_uuid": task, "task_level": [4, 2], "action_type": "reactortrack:run",
                  "action_status": "failed", "timestamp": t + 0.004, "exception": HOSTILE, "reason": HOSTILE})
    lines.append({"task_uuid": task, "task_level": [5], "action_type": "reactortrack:deferred",
                  "action_status": "failed", "timestamp": t + 0.005, "exception": HOSTILE, "reason": HOSTILE,
                  "ended_by": "released", "runs": 1})
    # A plain Eliot task with hostile action types, fields and keys.
    task = str(uuid.UUID(int=2))
    lines.append({"task_uuid": task, "task_level": [1], "action_type": HOSTILE, "action_status": "started",
                  "timestamp": t + 0.01, HOSTILE: HOSTILE, "payload": "y" * 1_000_000})
    lines.append({"task_uuid": task, "task_level": [2], "message_type": HOSTILE, "timestamp": t + 0.02,
                  "note": HOSTILE})
    lines.append({"task_uuid": task, "task_level": [3], "action_type": HOSTILE, "action_status": "succeeded",
                  "timestamp": t + 0.03, "result": HOSTILE})
    with open(out, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
