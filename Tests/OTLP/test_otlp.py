#!/usr/bin/env python3
"""OTLP export checks with the official schema (PyPI's opentelemetry-proto), against the log itself.

    test_otlp.py CLI [--live EXAMPLE] LOG...

For each log (those given, then Tests/Fixtures/pipeline.out): a loopback OTLP/HTTP receiver on 127.0.0.1 takes `reactortrack export LOG --otlp-endpoint`,
decodes the protobuf with the official classes and checks span count, names, parent/child structure, links,
statuses and timestamps against the log's own lines (read here with json, not with reactortrack). Then the
`--format otlp-json` file must parse with the official schema (after turning its hex ids into the base64 that
protobuf's JSON reader expects) and hold the same spans. Finally the sender's conventions: retries said on
standard error and counted, Retry-After honoured on every wait, a refusal (400) not retried, a closed port
said in words, and the OpenTelemetry environment (OTEL_EXPORTER_OTLP_ENDPOINT, _TRACES_ENDPOINT, _HEADERS).

With --live, the live mode too: EXAMPLE (examples/live-spans) runs the seed's chains under a JSONMonitor with a
TracingMonitor companion, through swift-distributed-tracing to an OTLP/HTTP exporter pointed at the receiver;
its spans are checked against the mon.out of the same run (timestamps within 5 ms: the tracer and the monitor
read their clocks a moment apart).
"""
import base64
import email.utils
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

FAILURES = []


def check(condition, text):
    if not condition:
        FAILURES.append(text)
        print("FAIL:", text, file=sys.stderr)


class Receiver(http.server.ThreadingHTTPServer):
    """Collects the ExportTraceServiceRequests posted to /v1/traces; answers `script` statuses first."""

    def __init__(self, script=(), path="/v1/traces", partial=None):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests = []
        self.script = list(script)  # statuses, or (status, Retry-After) pairs
        self.posts = 0
        self.path = path
        self.headers = []  # each request's headers
        self.partial = partial  # (rejected spans, message): an OTLP partial success in each answer
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def spans(self):
        return [span for request in self.requests for rs in request.resource_spans for ss in rs.scope_spans
                for span in ss.spans]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts += 1
        self.server.headers.append(self.headers)
        check(self.path == self.server.path, f"posted to {self.path}, not {self.server.path}")
        if self.server.script:
            status, after = self.server.script.pop(0), None
            if isinstance(status, tuple):
                status, after = status
            self.send_response(status)
            message = b"spans refused: bad batch" if status == 400 else b""
            self.send_header("Content-Length", str(len(message)))
            if after is not None:
                self.send_header("Retry-After", after)
            self.end_headers()
            self.wfile.write(message)
            return
        check(self.headers["Content-Type"] == "application/x-protobuf", f"content type {self.headers['Content-Type']}")
        request = trace_service_pb2.ExportTraceServiceRequest()
        request.ParseFromString(body)
        self.server.requests.append(request)
        answer = trace_service_pb2.ExportTraceServiceResponse()
        if self.server.partial:
            answer.partial_success.rejected_spans, answer.partial_success.error_message = self.server.partial
        reply = answer.SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def expected(log):
    """What the log says: its chains (reactortrack:deferred actions, at the root of their task or tracked inside
    an action) with their runs, waits and links, keyed by (task, the action's slot)."""
    messages = [json.loads(line) for line in open(log, encoding="utf-8")]
    chains, actions = {}, {}
    for m in messages:
        if m.get("action_status") == "started":
            actions[(m["task_uuid"], tuple(m["task_level"][:-1]))] = (m["action_type"], m["timestamp"])
        if m.get("action_type") == "reactortrack:deferred" and m.get("action_status") == "started":
            chains[(m["task_uuid"], tuple(m["task_level"][:-1]))] = {
                "label": m.get("label"), "id": m.get("deferred_id"), "start": m["timestamp"], "runs": [],
                "waits": 0, "chained": 0, "task": m["task_uuid"]}
    for (task, slot), chain in chains.items():
        # Tracked inside an action: the chain's span goes under that action's span (None: a task of its own).
        chain["parent"] = actions.get((task, slot[:-1])) if slot else None

    def chain_of(m):
        """The innermost chain whose action holds this message."""
        level = tuple(m["task_level"])
        owners = [key for key in chains if key[0] == m["task_uuid"] and level[:len(key[1])] == key[1]
                  and len(level) > len(key[1])]
        return chains[max(owners, key=lambda key: len(key[1]))] if owners else None

    for m in messages:
        chain = chain_of(m)
        if chain is None:
            continue
        if m.get("action_type") == "reactortrack:run":
            if m["action_status"] == "started":
                chain["runs"].append({"name": m["name"], "start": m["timestamp"], "level": m["task_level"][:-1]})
            else:
                run = next(r for r in chain["runs"] if r["level"] == m["task_level"][:-1])
                run["failed"] = m["action_status"] == "failed"
                run["exception"] = m.get("exception")
        elif m.get("message_type") == "reactortrack:waiting":
            chain["waits"] += 1
        elif m.get("message_type") == "reactortrack:chained":
            chain["chained"] += 1
    return chains


def check_spans(spans, log, label, tolerance_ns=2000, live=False):
    chains = expected(log)
    for span in spans:
        check(len(span.trace_id) == 16, f"{label}: trace id of {len(span.trace_id)} bytes")
        check(len(span.span_id) == 8, f"{label}: span id of {len(span.span_id)} bytes")
    ids = {span.span_id for span in spans}
    check(len(ids) == len(spans), f"{label}: span ids are not unique")
    roots = {span.span_id.hex(): span for span in spans if not span.parent_span_id}
    # Plain Eliot actions: each is a span of its action type at its start time; each message in an action an
    # event on it.
    actions, messages = [], 0
    for line in open(log, encoding="utf-8"):
        m = json.loads(line)
        if m.get("action_type", "").startswith("reactortrack:") or m.get("message_type", "").startswith("reactortrack:"):
            continue
        if m.get("action_status") == "started":
            actions.append((m["action_type"], m["timestamp"]))
        elif "message_type" in m and m["task_level"] == [1]:
            actions.append((m["message_type"], m["timestamp"]))  # a task that is one message: a span of its own
        elif "message_type" in m:
            messages += 1
    for name, start in actions:
        check(any(s.name == name and abs(s.start_time_unix_nano - start * 1e9) < tolerance_ns for s in spans),
              f"{label}: no span for action {name} at {start}")
    events = sum(1 for s in spans for e in s.events if e.name not in ("exception", "fired", "cancelled"))
    check(events == messages, f"{label}: {events} span events for {messages} messages in actions")
    want = len(chains) + sum(len(c["runs"]) + c["waits"] for c in chains.values()) + len(actions)
    check(len(spans) == want, f"{label}: {len(spans)} spans, the log has {want} chains, runs and waits")
    if not live:
        # A trace is a task: one root each (a chain tracked inside an action is under that action, not a root).
        traces = {}
        for span in spans:
            traces.setdefault(span.trace_id, []).append(span)
        for trace_id, members in traces.items():
            count = sum(1 for s in members if not s.parent_span_id)
            check(count == 1, f"{label}: trace {trace_id.hex()} has {count} root spans: "
                              f"{sorted(s.name for s in members if not s.parent_span_id)}")
    links = 0
    for (task, slot), chain in chains.items():
        # Exported spans carry the task's UUID as trace id; a live tracer makes its own ids, so there the chain's
        # span is found by its label.
        if live:
            root = next((r for r in roots.values() if r.name == chain["label"]), None)
        else:
            trace = bytes.fromhex(task.replace("-", ""))
            # One chain, one span: nothing else in its trace is named after it at its start.
            names = {chain["label"], f"{chain['label']} #{chain['id']}"}
            mine = [s for s in spans if s.trace_id == trace and s.name in names
                    and abs(s.start_time_unix_nano - chain["start"] * 1e9) < tolerance_ns]
            check(len(mine) == 1, f"{label}: {len(mine)} spans for the chain {chain['label']} of task {task}")
            root = mine[0] if mine else None
        check(root is not None, f"{label}: no span for the chain of task {task} at {list(slot)}")
        if root is None:
            continue
        if not live:
            parent = chain["parent"]
            if parent is None:
                check(not root.parent_span_id, f"{label}: the chain {chain['label']} is not a root span")
            else:
                above = [s for s in spans if s.span_id == root.parent_span_id]
                check(len(above) == 1 and above[0].name == parent[0]
                      and abs(above[0].start_time_unix_nano - parent[1] * 1e9) < tolerance_ns,
                      f"{label}: the chain {chain['label']} is not under the action {parent[0]} it was tracked in")
        check(root.name == chain["label"], f"{label}: root span {root.name!r} for chain {chain['label']!r}")
        children = [s for s in spans if s.parent_span_id == root.span_id and s.name != "wait" and
                    not s.name.startswith("wait on")]
        check([s.name for s in children] == [r["name"] for r in chain["runs"]],
              f"{label}: runs of {chain['label']}: {[s.name for s in children]} vs {[r['name'] for r in chain['runs']]}")
        for span, run in zip(children, chain["runs"]):
            check(span.trace_id == root.trace_id, f"{label}: run {run['name']} in another trace")
            check(abs(span.start_time_unix_nano - run["start"] * 1e9) < tolerance_ns,
                  f"{label}: run {run['name']} starts at {span.start_time_unix_nano}, the log says {run['start']}")
            check(span.end_time_unix_nano >= span.start_time_unix_nano, f"{label}: run {run['name']} ends before it starts")
            failed = run.get("failed", False)
            check((span.status.code == trace_pb2.Status.STATUS_CODE_ERROR) == failed,
                  f"{label}: run {run['name']} status {span.status.code}, failed in the log: {failed}")
            if failed:
                check(run["exception"] in span.status.message, f"{label}: {run['name']}'s status lacks its exception")
                check(any(e.name == "exception" for e in span.events), f"{label}: {run['name']} has no exception event")
        chained = [link for link in root.links
                   if any(a.key == "reactortrack.link" and a.value.string_value == "chained" for a in link.attributes)]
        check(len(chained) == chain["chained"], f"{label}: {chain['label']} has {len(chained)} chained links, "
                                                f"the log {chain['chained']}")
        for link in chained:
            links += 1
            check(link.span_id in ids, f"{label}: a link to a span that was not sent")
    return links


def is_legacy(log):
    """Whether the log is in the original Reactor Track format (no task_uuid, one line per attach and run)."""
    with open(log, encoding="utf-8") as f:
        first = json.loads(f.readline())
    return "task_uuid" not in first and "deferred" in first


def check_legacy(spans, log, label):
    """The original format: each Deferred is a chain, a trace of its own with one root, its runs in the order
    the log has them."""
    runs = {}
    for line in open(log, encoding="utf-8"):
        m = json.loads(line)
        runs.setdefault(m["deferred"], [])
        if m["action"] == "executed":
            runs[m["deferred"]].append(m["callback"])
    roots = [s for s in spans if not s.parent_span_id]
    check(len(roots) == len(runs), f"{label}: {len(roots)} root spans for {len(runs)} Deferreds")
    check(len({s.trace_id for s in roots}) == len(roots), f"{label}: two chains share a trace")
    got = sorted([s.name for s in spans if s.parent_span_id == root.span_id] for root in roots)
    check(got == sorted(runs.values()), f"{label}: runs {got}, the log has {sorted(runs.values())}")
    check(len(spans) == len(roots) + sum(len(r) for r in runs.values()), f"{label}: {len(spans)} spans")
    return sum(len(root.links) for root in roots)


def send(cli, log, receiver):
    return subprocess.run([cli, "export", log, "--otlp-endpoint", receiver.endpoint], capture_output=True, text=True)


def hex_to_base64(obj):
    """OTLP/JSON writes ids as hex; protobuf's JSON reader wants base64 for bytes fields."""
    if isinstance(obj, dict):
        return {k: (base64.b64encode(bytes.fromhex(v)).decode() if k in ("traceId", "spanId", "parentSpanId")
                    and isinstance(v, str) else hex_to_base64(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [hex_to_base64(v) for v in obj]
    return obj


def live(example, work):
    receiver = Receiver()
    out = os.path.join(work, "live.out")
    done = subprocess.run([example, out, receiver.endpoint], capture_output=True, text=True, timeout=120)
    check(done.returncode == 0 and "sent" in done.stdout, f"live: exit {done.returncode}: {done.stdout} {done.stderr}")
    spans = receiver.spans()
    links = check_spans(spans, out, "live (swift-distributed-tracing)", tolerance_ns=5_000_000, live=True)
    check(links == 1, f"live: {links} chained links, the seed has 1")
    roots = [s for s in spans if not s.parent_span_id]
    check(sorted(s.name for s in roots) == ["d", "d2"], f"live: roots {[s.name for s in roots]}")
    failed = [s.name for s in spans if s.status.code == trace_pb2.Status.STATUS_CODE_ERROR]
    check(failed == ["problem"], f"live: failed spans {failed}")
    receiver.shutdown()
    print(f"live: {len(spans)} spans from the example, matching its mon.out")


def conventions(cli, log):
    """The sender's conventions: retries said on stderr, Retry-After honoured on every wait, attempts counted,
    a refusal not retried, a refused connection in words, and the OpenTelemetry environment."""
    # The collector asks to retry three times, waiting 0 s each time: the sender waits what it is told (its own
    # backoff would be 0.5 + 1 + 2 s), says so, then the spans go.
    receiver = Receiver(script=[(503, "0"), (429, "0"), (503, "0")])
    started = time.monotonic()
    done = send(cli, log, receiver)
    elapsed = time.monotonic() - started
    retries = [line for line in done.stderr.splitlines() if line.startswith("retrying in 0 s")]
    check(done.returncode == 0 and receiver.posts == 4 and receiver.spans(),
          f"retry: exit {done.returncode}, {receiver.posts} posts: {done.stderr}")
    check(len(retries) == 3 and all("Retry-After" in line and ("HTTP 503" in line or "HTTP 429" in line)
                                    for line in retries), f"retry: stderr says {done.stderr!r}")
    check(elapsed < 2.5, f"retry: {elapsed:.1f} s, not the 0 s the collector asked for")
    receiver.shutdown()
    # Retry-After as an HTTP date (one second ahead at most: now, rounded down).
    stamp = email.utils.formatdate(time.time(), usegmt=True)
    receiver = Receiver(script=[(503, stamp)])
    done = send(cli, log, receiver)
    check(done.returncode == 0 and receiver.posts == 2 and "Retry-After" in done.stderr,
          f"retry (HTTP date): exit {done.returncode}, {receiver.posts} posts: {done.stderr}")
    receiver.shutdown()
    # Every attempt refused with a retry: the count is the truth.
    receiver = Receiver(script=[(503, "0")] * 5)
    done = send(cli, log, receiver)
    check(done.returncode == 1 and receiver.posts == 5 and "after 5 attempts (4 retries)" in done.stderr
          and done.stderr.count("retrying in") == 4, f"give up: {receiver.posts} posts: {done.stderr}")
    receiver.shutdown()
    # The collector refuses: a clear error naming the collector and its answer, exit 1.
    receiver = Receiver(script=[400])
    done = send(cli, log, receiver)
    check(done.returncode == 1 and "HTTP 400" in done.stderr and "spans refused: bad batch" in done.stderr
          and receiver.endpoint.split("//")[1] in done.stderr, f"refusal: exit {done.returncode}: {done.stderr}")
    check(receiver.posts == 1 and "retrying" not in done.stderr, f"refusal: {receiver.posts} posts (not retried)")
    receiver.shutdown()
    # A partial success: the request is taken, some spans are not; the command says how many, and why.
    receiver = Receiver(partial=(2, "spans too old"))
    done = send(cli, log, receiver)
    check(done.returncode == 0 and f"sent {len(receiver.spans())} spans" in done.stderr
          and "the collector rejected 2 of them: spans too old" in done.stderr, f"partial success: {done.stderr}")
    receiver.shutdown()
    # Nothing listens: said in words, retried, and counted.
    closed = Receiver()
    endpoint = closed.endpoint
    closed.shutdown()
    closed.server_close()
    done = subprocess.run([cli, "export", log, "--otlp-endpoint", endpoint], capture_output=True, text=True)
    last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    check(done.returncode == 1 and "connection refused" in last and "after 5 attempts (4 retries)" in last
          and done.stderr.count("retrying in") == 4, f"closed port: {done.stderr}")
    for internal in ("NIOConnectionError", "SingleConnectionFailure", "errno", "IOError"):
        check(internal not in done.stderr, f"closed port: the library's text {internal} in {done.stderr!r}")
    # The OpenTelemetry environment: a base endpoint gets /v1/traces, headers are URL-decoded, and
    # --otlp-header wins over them.
    receiver = Receiver(path="/base/v1/traces")
    env = dict(os.environ, OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint + "/base",
               OTEL_EXPORTER_OTLP_HEADERS="api-key=s%20cret%2C1 , x-team=a", OTEL_EXPORTER_OTLP_TIMEOUT="5000")
    done = subprocess.run([cli, "export", log, "--format", "otlp", "--otlp-header", "x-team=b"], capture_output=True,
                          text=True, env=env)
    check(done.returncode == 0 and receiver.spans(), f"environment: exit {done.returncode}: {done.stderr}")
    headers = receiver.headers[0] if receiver.headers else {}
    check(headers.get("api-key") == "s cret,1" and headers.get("x-team") == "b",
          f"environment: headers {dict(headers) if headers else None}")
    receiver.shutdown()
    # The traces endpoint is used as it is, and wins over the base one.
    receiver = Receiver(path="/custom")
    env = dict(os.environ, OTEL_EXPORTER_OTLP_ENDPOINT=endpoint, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=receiver.endpoint
               + "/custom")
    done = subprocess.run([cli, "export", log, "--format", "otlp"], capture_output=True, text=True, env=env)
    check(done.returncode == 0 and receiver.posts == 1, f"traces endpoint: exit {done.returncode}: {done.stderr}")
    receiver.shutdown()
    print("sender: retries said and counted, Retry-After honoured, refusals in words, OTEL_EXPORTER_OTLP_* read")


def main():
    args = sys.argv[1:]
    example = None
    if "--live" in args:
        i = args.index("--live")
        example = args[i + 1]
        del args[i:i + 2]
    cli, logs = args[0], args[1:]
    # pipeline.out too, from the shared fixtures: chains tracked inside actions (examples/pipeline).
    fixtures = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Fixtures")
    logs += [os.path.join(fixtures, "pipeline.out")]
    with tempfile.TemporaryDirectory() as work:
        if example:
            live(example, work)
        for log in logs:
            label = os.path.basename(log)
            receiver = Receiver()
            done = send(cli, log, receiver)
            check(done.returncode == 0, f"{label}: export --otlp-endpoint exited {done.returncode}: {done.stderr}")
            sent = receiver.spans()
            legacy = is_legacy(log)
            links = (check_legacy if legacy else check_spans)(sent, log, label + " (OTLP/HTTP)")
            receiver.shutdown()
            # The JSON file holds the same spans, and parses with the official schema once ids are base64.
            path = os.path.join(work, label + ".jsonl")
            done = subprocess.run([cli, "export", log, "--format", "otlp-json", "-o", path], capture_output=True,
                                  text=True)
            check(done.returncode == 0, f"{label}: export --format otlp-json exited {done.returncode}: {done.stderr}")
            from_file = []
            for line in open(path, encoding="utf-8"):
                raw = json.loads(line)
                for rs in raw["resourceSpans"]:
                    for ss in rs["scopeSpans"]:
                        for span in ss["spans"]:
                            check(len(span["traceId"]) == 32 and len(span["spanId"]) == 16,
                                  f"{label}: ids in the JSON file are not hex of 16 and 8 bytes")
                data = json_format.Parse(json.dumps(hex_to_base64(raw)), trace_pb2.TracesData())
                from_file += [s for rs in data.resource_spans for ss in rs.scope_spans for s in ss.spans]
            (check_legacy if legacy else check_spans)(from_file, log, label + " (OTLP JSON)")
            check(sorted(s.SerializeToString(deterministic=True) for s in from_file) ==
                  sorted(s.SerializeToString(deterministic=True) for s in sent),
                  f"{label}: the JSON file and the posted spans differ")
            print(f"{label}: {len(sent)} spans, {links} chained links, posted and written alike")

        conventions(cli, logs[0])
    if FAILURES:
        print(f"{len(FAILURES)} OTLP check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("OTLP checks passed")


if __name__ == "__main__":
    main()
