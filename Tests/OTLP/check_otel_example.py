#!/usr/bin/env python3
"""Which OTLP/HTTP encoding of swift-otel reaches a collector intact: runs examples/otel-service (built by
`make otel-example`) against a loopback receiver, once with protobuf and once with JSON, and decodes what
arrives with the official schema (PyPI's opentelemetry-proto).

    check_otel_example.py EXAMPLE

Protobuf must arrive whole: 16-byte trace ids, 8-byte span ids, the server span with the chains `d` and `d2`
under it, their runs under them, `problem` with status ERROR, the chainDeferred link. For JSON it reports how the
ids were written: OTLP/JSON requires hex; protobuf's generic JSON mapping (base64) is not OTLP/JSON.
Exit status 1 if protobuf fails.
"""
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading

from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.trace.v1 import trace_pb2


def receive(example, protocol, work):
    posts = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            posts.append((self.path, self.headers["Content-Type"], body))
            json_reply = "json" in (self.headers["Content-Type"] or "")
            reply = b"{}" if json_reply else trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/json" if json_reply else "application/x-protobuf")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out = os.path.join(work, f"otel-{protocol}.out")
    done = subprocess.run([example, out, f"http://127.0.0.1:{server.server_address[1]}", protocol],
                          capture_output=True, text=True, timeout=120)
    server.shutdown()
    if done.returncode != 0:
        sys.exit(f"{protocol}: the example exited {done.returncode}: {done.stderr[-500:]}")
    if "Failed to export" in done.stdout + done.stderr:
        print(f"{protocol}: swift-otel reported a failed export: {(done.stdout + done.stderr)[-300:]}")
    return posts


def check_protobuf(posts):
    problems = []
    if not posts:
        return ["nothing was posted"]
    spans = []
    for path, ctype, body in posts:
        if path != "/v1/traces":
            problems.append(f"posted to {path}")
        if ctype != "application/x-protobuf":
            problems.append(f"content type {ctype}")
        request = trace_service_pb2.ExportTraceServiceRequest()
        request.ParseFromString(body)
        spans += [s for rs in request.resource_spans for ss in rs.scope_spans for s in ss.spans]
    if any(len(s.trace_id) != 16 or len(s.span_id) != 8 for s in spans):
        problems.append("ids of the wrong length")
    by_name = {}
    for s in spans:
        by_name.setdefault(s.name, []).append(s)
    server = (by_name.get("GET /seed") or [None])[0]
    d, d2 = (by_name.get("d") or [None])[0], (by_name.get("d2") or [None])[0]
    if not (server and d and d2):
        return problems + [f"missing spans: have {sorted(by_name)}"]
    if d.parent_span_id != server.span_id or d2.parent_span_id != server.span_id:
        problems.append("the chains are not under the server span")
    runs = [s.name for s in spans if s.parent_span_id == d.span_id]
    for name in ["simpleCallback", "followup", "problem", "simpleErrback", "finished"]:
        if name not in runs:
            problems.append(f"run {name} missing under d: {runs}")
    if [s.name for s in spans if s.status.code == trace_pb2.Status.STATUS_CODE_ERROR] != ["problem"]:
        problems.append("problem is not the one span with status ERROR")
    if not any(link.span_id == d2.span_id for link in d.links):
        problems.append("d has no link to d2")
    print(f"protobuf: {len(spans)} spans, ids 16/8 bytes, structure, status and link as expected"
          if not problems else "protobuf: " + "; ".join(problems))
    return problems


def report_json(posts):
    for path, ctype, body in posts:
        raw = json.loads(body)
        ids = [s.get("traceId", "") for rs in raw.get("resourceSpans", []) for ss in rs.get("scopeSpans", [])
               for s in ss.get("spans", [])]
        if ids and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids):
            print(f"json: trace ids are hex, as OTLP/JSON requires ({ids[0]})")
        else:
            print(f"json: trace ids are not hex ({ids[:1]}): base64, protobuf's generic JSON mapping, which "
                  "OTLP/JSON receivers read as the wrong bytes")


def main():
    example = sys.argv[1]
    with tempfile.TemporaryDirectory() as work:
        problems = check_protobuf(receive(example, "protobuf", work))
        report_json(receive(example, "json", work))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
