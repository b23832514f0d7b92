"""A floor row for `make bench`: DuckDB's `read_ndjson` grouping a JSON-lines log by `task_uuid`, the tool a data
engineer would reach for. Run it with the venv's Python (PyPI `duckdb`):

    .venv/bin/python bench/peers/duckdb_floor.py FILE

The columns and their types are given, so DuckDB neither samples the file nor guesses (it would take the
Unix-seconds `timestamp` as a number anyway, and `task_level` as a list): the keys the fold reads, `task_uuid`,
`task_level`, `timestamp`, `action_type`, `action_status`, `message_type` and the monitor's ids (`deferred_id`,
`index`, `on`, `to`); every other key is skipped. Each column is aggregated per task so that none is pruned from
the scan. DuckDB uses every core (its default). Prints one JSON line: `{"lines": N, "tasks": T, "query_s": S}`,
S being the query's own time, without the interpreter's start and the import.
"""

import json
import sys
import time

import duckdb

COLUMNS = {
    "task_uuid": "VARCHAR",
    "task_level": "BIGINT[]",
    "timestamp": "DOUBLE",
    "action_type": "VARCHAR",
    "action_status": "VARCHAR",
    "message_type": "VARCHAR",
    "deferred_id": "BIGINT",
    "index": "BIGINT",
    "on": "BIGINT",
    "to": "BIGINT",
}

QUERY = """
SELECT count(*) AS tasks, sum(lines) AS lines FROM (
    SELECT task_uuid, count(*) AS lines, max(len(task_level)), max("timestamp"), count(action_type),
           count(action_status), count(message_type), max(deferred_id), max("index"), max("on"), max("to")
    FROM read_ndjson(?, columns = {columns}, format = 'newline_delimited', maximum_object_size = 16777216)
    GROUP BY task_uuid
)
"""


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: duckdb_floor.py FILE")
    columns = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in COLUMNS.items()) + "}"
    started = time.perf_counter()
    connection = duckdb.connect()
    tasks, lines = connection.execute(QUERY.format(columns=columns), [sys.argv[1]]).fetchone()
    seconds = time.perf_counter() - started
    print(json.dumps({"lines": lines, "tasks": tasks, "query_s": seconds}))


if __name__ == "__main__":
    main()
