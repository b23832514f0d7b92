"""The table `make bench` prints: each row our figure beside the peer's, the ratio, the target and whether it is
met (bench/run.py measures; this lays the figures out)."""

CLI_MISSING = "n/a (reactortrack CLI not built)"

def fmt(value, unit):
    if value is None:
        return None
    if unit == "events/s":
        return f"{value / 1e6:,.2f}M events/s"
    if unit == "events":
        return f"{value:,.0f} events"
    if unit in ("msg/s", "act/s"):
        return f"{value / 1000:,.0f}k {unit}"
    if unit == "MB/s":
        return f"{value:,.1f} MB/s" if value < 100 else f"{value:,.0f} MB/s"
    if unit == "MB":
        return f"{value:,.0f} MB RSS"
    if unit == "MB file":
        return f"{value:,.1f} MB"
    if unit == "tasks":
        return f"{value:,.0f} tasks"
    if unit == "B":
        return f"{value:,.0f} B"
    if unit == "s":
        return f"{value:,.2f} s"
    if unit.startswith("ms"):
        return f"{value:,.2f} ms"
    return f"{value:,.0f} ns" if value >= 100 else f"{value:,.1f} ns"


class Table:
    def __init__(self, samples, cli_missing):
        self.samples = samples
        self.cli_missing = cli_missing
        self.rows = []

    def heading(self, text):
        self.rows.append({"heading": text})

    def cell(self, side, workload):
        """(value, unit, text) for a measured figure; text explains a missing one."""
        value = self.samples.median(side, workload)
        unit = self.samples.units.get((side, workload), "")
        if value is not None:
            return value, unit, fmt(value, unit)
        if (side, workload) in self.samples.errors:
            return None, unit, "error: " + self.samples.errors[(side, workload)][:60]
        if side == "ours" and ":" in workload and self.cli_missing:
            return None, unit, CLI_MISSING
        return None, unit, "n/a"

    def row(self, name, ours, peer, ratio_kind, target, check, peer_name=None, note=None):
        """ours/peer: (side, workload) or None. ratio_kind: 'peer/ours', 'ours/peer', 'percent' (ours/peer as a
        percentage: our rate as a share of a floor's) or None.
        check(ours, peer, ratio) -> bool decides `met?`."""
        ours_value, ours_unit, ours_text = self.cell(*ours) if ours else (None, "", "—")
        if ours_value is None and note:
            ours_text = note
        peer_value, peer_unit, peer_text = self.cell(*peer) if peer else (None, "", "—")
        if peer_name and peer_value is not None:
            peer_text = f"{peer_text} ({peer_name})"
        ratio = None
        if ours_value and peer_value and ratio_kind:
            ratio = peer_value / ours_value if ratio_kind == "peer/ours" else ours_value / peer_value
        ratio_text = "—"
        if ratio is not None:
            ratio_text = f"{ratio * 100:,.1f}%" if ratio_kind == "percent" else f"{ratio:,.2f}×"
        if check is None:
            met = "—"
        elif ours_value is None:
            met = "n/a"
        else:
            met = "yes" if check(ours_value, peer_value, ratio) else "NO"
        self.rows.append({
            "workload": name, "ours": ours_text, "peer": peer_text,
            "ratio": ratio_text, "target": target, "met": met,
            "ours_value": ours_value, "ours_unit": ours_unit, "peer_value": peer_value, "peer_unit": peer_unit,
            "ratio_value": ratio, "ratio_kind": ratio_kind, "note": note})

    def render(self):
        headers = ["workload", "ours", "peer", "ratio", "target", "met?"]
        keys = ["workload", "ours", "peer", "ratio", "target", "met"]
        body = [r for r in self.rows if "heading" not in r]
        widths = [max([len(h)] + [len(str(r[k])) for r in body]) for h, k in zip(headers, keys)]
        widths[0] = max(widths[0], 40)
        lines = [" | ".join(h.ljust(w) for h, w in zip(headers, widths)),
                 "-+-".join("-" * w for w in widths)]
        for r in self.rows:
            if "heading" in r:
                lines.append(r["heading"])
            else:
                lines.append(" | ".join(str(r[k]).ljust(w) for k, w in zip(keys, widths)))
        return "\n".join(lines)


FLOORS = [("simdjson", "simdjson (one core, the fold's keys, grouped by task)"),
          ("duckdb", "DuckDB read_ndjson GROUP BY task_uuid (process)"),
          ("duckdb-query", "DuckDB, the query alone (no interpreter start)"),
          ("jq", "jq -c ."), ("cat", "cat")]


def floor_rows(t, label, workload, size_mb, order, note=None, target="—", check=None):
    """Our rate on one file as a share of the simdjson floor's and of cat's, on the same file in the same run."""
    for side, target_here, check_here in [("simdjson", target, check), ("cat", "—", None)]:
        t.row(f"{label}, % of {side} floor", ("ours", f"{workload}:MB/s"), (side, f"{side}:{size_mb}:{order}:MB/s"),
              "percent", target_here, check_here, peer_name=side, note=note)


def floor_section(t, sizes):
    """The floors' own rates on every file they read (bench/floors.py)."""
    t.heading("9b. the parse floor: the same files read with the least work (MB/s, medians; peak RSS in results.json)")
    for size_mb, size_name in sizes:
        for order in ["inorder", "interleaved"]:
            name = "in order" if order == "inorder" else "interleaved"
            for side, what in FLOORS:
                if (side, f"{side}:{size_mb}:{order}:MB/s") not in t.samples.units and side != "cat":
                    continue
                t.row(f"   {size_name} {name}: {what}", None, (side, f"{side}:{size_mb}:{order}:MB/s"), None, "—",
                      None)


def build_table(samples, cli_missing, peer_mb, large_sizes):
    t = Table(samples, cli_missing)
    at_least = lambda n: (lambda o, p, r: r is not None and r >= n)  # noqa: E731

    t.heading("1. 10-callback success chain, per callback")
    t.row("   vs Twisted Deferred (CPython)", ("ours", "success_chain"), ("twisted", "success_chain"),
          "peer/ours", "≥ 10× Twisted", at_least(10))
    t.row("   vs SwiftNIO map", ("ours", "success_chain"), ("nio", "nio_map"), "peer/ours", "≥ 2× NIO",
          at_least(2))
    t.heading("2. error path: callback throws, errback recovers, per stage")
    t.row("   vs Twisted", ("ours", "error_path"), ("twisted", "error_path"), "peer/ours", "≥ 9× Twisted",
          at_least(9))
    t.row("   vs SwiftNIO flatMapError", ("ours", "error_path"), ("nio", "nio_flatMapError"), "peer/ours",
          "faster than NIO", at_least(1.0000001))
    t.heading("3. implicit chaining: callback returns an unfired Deferred, later fired (per chain)")
    t.row("   vs Twisted", ("ours", "implicit_chaining"), ("twisted", "implicit_chaining"), "peer/ours",
          "≥ 7× Twisted", at_least(7))
    t.row("   vs SwiftNIO flatMap", ("ours", "implicit_chaining"), ("nio", "nio_flatMap"), "peer/ours",
          "faster than NIO", at_least(1.0000001))
    t.heading("4. 10,000-deep chain of returned Deferreds (whole chain)")
    t.row("   vs Twisted", ("ours", "deep_chain_10k"), ("twisted", "deep_chain_10k"), "peer/ours",
          "≥ 10× Twisted", at_least(10))
    t.row("   1,000,000 deep (ours alone, once)", ("ours", "deep_chain_1m"), None, None, "works",
          lambda o, p, r: True)
    t.heading("5. memory per pending Deferred with 3 callbacks")
    t.row("   vs Twisted (tracemalloc)", ("ours", "memory_pending_3cb"), ("twisted", "memory_pending_3cb"),
          "peer/ours", "≤ 250 B", lambda o, p, r: o <= 250)
    t.row("   vs SwiftNIO future + 3 maps", ("ours", "memory_pending_3cb"), ("nio", "nio_memory_pending_3cb"),
          "peer/ours", "≤ 250 B", lambda o, p, r: o <= 250)
    t.heading("6. tracked callback (monitor on, buffered), per callback")
    t.row("   tracked vs our untracked chain", ("ours", "tracked_callback_buffered"),
          ("ours", "untracked_callback"), "ours/peer", "≤ 300 ns (ratio: × untracked)",
          lambda o, p, r: o <= 300, peer_name="untracked")
    t.row("   a struct's values: .full (described) vs our untracked chain", ("ours", "tracked_callback_values_full"),
          ("ours", "untracked_callback"), "ours/peer", "—", None, peer_name="untracked")
    t.row("   a struct's values: .short (its type's name)", ("ours", "tracked_callback_values_short"),
          ("ours", "tracked_callback_values_full"), "ours/peer", "—", None, peer_name=".full")
    t.row("   a struct's values: .none (not looked at)", ("ours", "tracked_callback_values_none"),
          ("ours", "tracked_callback_values_full"), "ours/peer", "—", None, peer_name=".full")
    t.row("   with live spans (TracingMonitor companion, in-memory tracer) vs the plain monitor",
          ("ours", "tracked_callback_spans"), ("ours", "tracked_callback_buffered"), "ours/peer", "—", None,
          peer_name="monitor")
    t.row("   with live spans into the no-op tracer (the companion's own cost) vs the plain monitor",
          ("ours", "tracked_callback_spans_noop"), ("ours", "tracked_callback_buffered"), "ours/peer", "—", None,
          peer_name="monitor")
    t.row("   as a flight recorder (the last 100,000 events kept) vs the plain monitor",
          ("ours", "tracked_callback_flight"), ("ours", "tracked_callback_buffered"), "ours/peer", "≤ 1.2× monitor",
          lambda o, p, r: r is not None and r <= 1.2, peer_name="monitor")
    t.row("   buffered, then dump(to:): recording and encoding every line, vs the plain monitor",
          ("ours", "tracked_callback_dumped"), ("ours", "tracked_callback_buffered"), "ours/peer", "—", None,
          peer_name="monitor")
    t.row("   streaming (the writer thread encodes; until stop() returns) vs the plain monitor",
          ("ours", "tracked_callback_streaming"), ("ours", "tracked_callback_buffered"), "ours/peer", "—", None,
          peer_name="monitor")
    t.row("   streaming, one thread: lines written per second", ("ours", "streaming_events"), None, None, "—", None)
    t.heading("6b. streaming monitor, 8 threads tracking flat out, default 32 MiB backlog")
    t.row("   events/s written", ("ours", "streaming_8_threads_events"), None, None, "≥ 5,000,000",
          lambda o, p, r: o >= 5_000_000)
    t.row("   events/s written, % of the file system's floor (the same bytes written alone, right after)",
          ("ours", "streaming_8_threads_events"), ("ours", "streaming_8_threads_write_floor"), "percent", "—", None,
          peer_name="write floor")
    t.row("   peak memory, MB", ("ours", "streaming_8_threads_rss_mb"), None, None, "≤ 128 MB",
          lambda o, p, r: o <= 128)
    t.row("   events lost to the bound", ("ours", "streaming_8_threads_lost"), None, None, "reported", None)
    t.heading("7. threaded file writer; actions to memory")
    t.row("   messages/s, threaded writer to a file", ("ours", "messages_threaded_file"),
          ("eliot", "messages_threaded_file"), "ours/peer", "≥ 5× Eliot", at_least(5))
    t.row("   actions/s to memory", ("ours", "actions_memory"), ("eliot", "actions_memory"), "ours/peer",
          "≥ 6× Eliot", at_least(6))

    p = peer_mb
    less_memory = lambda o, pv, r: pv is not None and o < pv  # noqa: E731
    t.heading(f"8. `tree` of a 100 MB Eliot log (eliot-tree on the same {p} MB file; ours alone on 100 MB)")
    t.row(f"   {p} MB in order, MB/s", ("ours", f"tree:{p}:inorder:MB/s"), ("eliot-tree", f"eliot-tree:{p}:inorder:MB/s"),
          "ours/peer", "≥ 50× eliot-tree", at_least(50))
    t.row(f"   {p} MB in order, peak RSS", ("ours", f"tree:{p}:inorder:rss"), ("eliot-tree", f"eliot-tree:{p}:inorder:rss"),
          "peer/ours", "less memory", less_memory)
    t.row(f"   100 MB in order, MB/s (vs eliot-tree at {p} MB)", ("ours", "tree:100:inorder:MB/s"),
          ("eliot-tree", f"eliot-tree:{p}:inorder:MB/s"), "ours/peer", "≥ 50× eliot-tree", at_least(50))
    t.row(f"   100 MB in order, peak RSS (vs eliot-tree at {p} MB)", ("ours", "tree:100:inorder:rss"),
          ("eliot-tree", f"eliot-tree:{p}:inorder:rss"), "peer/ours", "less memory", less_memory)
    floor_rows(t, f"   {p} MB in order", f"tree:{p}:inorder", p, "inorder")
    floor_rows(t, "   100 MB in order", "tree:100:inorder", 100, "inorder")

    t.heading(f"9. `summary` of generated logs (eliot-tree and cat on the same {p} MB files; cat on every file)")
    for order in ["inorder", "interleaved"]:
        name = "in order" if order == "inorder" else "interleaved"
        t.row(f"   {p} MB {name}, MB/s", ("ours", f"summary:{p}:{order}:MB/s"),
              ("eliot-tree", f"eliot-tree:{p}:{order}:MB/s"), "ours/peer", "≥ 200× eliot-tree", at_least(200))
        t.row(f"   {p} MB {name}, peak RSS", ("ours", f"summary:{p}:{order}:rss"),
              ("eliot-tree", f"eliot-tree:{p}:{order}:rss"), "peer/ours", "—", None)
        floor_rows(t, f"   {p} MB {name}", f"summary:{p}:{order}", p, order)
    for size_mb, size_name in [(100, "100 MB"), (1024, "1 GB")]:
        for order in ["inorder", "interleaved"]:
            name = "in order" if order == "inorder" else "interleaved"
            skipped = size_mb not in large_sizes and not cli_missing
            note = "not measured (see the notes)" if skipped else None
            t.row(f"   {size_name} {name}, MB/s (vs eliot-tree at {p} MB)", ("ours", f"summary:{size_mb}:{order}:MB/s"),
                  ("eliot-tree", f"eliot-tree:{p}:{order}:MB/s"), "ours/peer", "≥ 200× eliot-tree", at_least(200),
                  note=note)
            rss_target = "< 300 MB" if (size_mb, order) == (1024, "interleaved") else "—"
            t.row(f"   {size_name} {name}, peak RSS", ("ours", f"summary:{size_mb}:{order}:rss"), None, None,
                  rss_target, (lambda o, pv, r: o < 300) if rss_target != "—" else None, note=note)
            # Issue 24's target: summary at a quarter of the simdjson floor's rate on the 1 GB logs.
            quarter = size_mb == 1024
            floor_rows(t, f"   {size_name} {name}", f"summary:{size_mb}:{order}", size_mb, order, note=note,
                       target="≥ 25%" if quarter else "—",
                       check=(lambda o, pv, r: r is not None and r >= 0.25) if quarter else None)
    floor_section(t, [(p, f"{p} MB"), (100, "100 MB"), (1024, "1 GB")])

    t.heading(f"10. `render` overview of a 100 MB log (vs eliot-tree's time on 100 MB, from its {p} MB MB/s)")
    eliot_rate = samples.median("eliot-tree", f"eliot-tree:{p}:inorder:MB/s")
    if eliot_rate:
        # eliot-tree's time on the same 100 MB file, from its measured rate (it streams in-order logs, so its
        # time grows linearly; running it on 100 MB five times would take the whole budget).
        samples.add("eliot-tree", "eliot-tree:100:inorder:s (from rate)", 100 / eliot_rate, "s")
    for kind in ["png", "svg"]:
        t.row(f"   {kind.upper()}, time", ("ours", f"render-{kind}:100:inorder:s"),
              ("eliot-tree", "eliot-tree:100:inorder:s (from rate)"), "peer/ours", "≥ 20× eliot-tree", at_least(20))
        t.row(f"   {kind.upper()}, peak RSS", ("ours", f"render-{kind}:100:inorder:rss"), None, None, "< 1 GB",
              lambda o, pv, r: o < 1024)
        floor_rows(t, f"   {kind.upper()}, input MB/s", f"render-{kind}:100:inorder", 100, "inorder")

    t.heading("11. `export` of the 100 MB log (input MB/s)")
    for kind, name in [("chrome", "Chrome trace"), ("otlp", "OTLP JSON")]:
        t.row(f"   {name}, MB/s", ("ours", f"export-{kind}:100:inorder:MB/s"), None, None, "—", None)
        t.row(f"   {name}, peak RSS", ("ours", f"export-{kind}:100:inorder:rss"), None, None, "< 1 GB",
              lambda o, pv, r: o < 1024)
        floor_rows(t, f"   {name}", f"export-{kind}:100:inorder", 100, "inorder")
    t.heading("11b. `top --once` of the 100 MB log: one snapshot (each read `top` makes while it follows a log)")
    t.row("   time, s", ("ours", "top-once:100:inorder:s"), None, None, "—", None)
    t.row("   peak RSS", ("ours", "top-once:100:inorder:rss"), None, None, "< 1 GB", lambda o, pv, r: o < 1024)
    floor_rows(t, "   input MB/s", "top-once:100:inorder", 100, "inorder")
    t.heading("11c. `top` following a log written at 1M lines/s (the 1 GB in-order log, else the 100 MB one)")
    t.row("   write rate reached, lines/s", ("ours", "top-follow:1000000:rate"), None, None, "—", None)
    t.row("   lag, worst snapshot, s", ("ours", "top-follow:1000000:lag"), None, None, "≤ 2 s",
          lambda o, pv, r: o <= 2)
    t.row("   catch-up after the writer stops, s", ("ours", "top-follow:1000000:catch-up"), None, None, "≤ 2 s",
          lambda o, pv, r: o <= 2)
    t.row("   peak RSS", ("ours", "top-follow:1000000:rss"), None, None, "< 150 MB", lambda o, pv, r: o < 150)
    t.heading("11d. `top` following the same log once written, growing at 10,000 lines/s for 15 s (--interval 0.5)")
    t.row("   lag, median snapshot, s", ("ours", "top-follow:10000:lag-median"), None, None, "≤ 1 s",
          lambda o, pv, r: o <= 1)
    t.row("   lag, worst snapshot (the first read: the whole log), s", ("ours", "top-follow:10000:lag"), None, None,
          "—", None)
    t.row("   catch-up after the writer stops, s", ("ours", "top-follow:10000:catch-up"), None, None, "≤ 1 s",
          lambda o, pv, r: o <= 1)
    t.row("   peak RSS", ("ours", "top-follow:10000:rss"), None, None, "< 150 MB", lambda o, pv, r: o < 150)
    t.heading("12. HTML report (`render -o report.html`): file size and open-to-interactive in headless Chromium")
    for size_mb, name in [(p, f"{p} MB"), (100, "100 MB")]:
        t.row(f"   {name} log, report size, MB", ("ours", f"report:{size_mb}:size"), None, None, "< 30 MB",
              lambda o, pv, r: o < 30)
        t.row(f"   {name} log, open to interactive, s", ("ours", f"report:{size_mb}:open"), None, None, "< 3 s",
              lambda o, pv, r: o < 3)
        t.row(f"   {name} log, render time, s", ("ours", f"report:{size_mb}:inorder:s"), None, None, "—", None)
        floor_rows(t, f"   {name} log, render input MB/s", f"report:{size_mb}:inorder", size_mb, "inorder")
    return t


# ---------------------------------------------------------------------------------------------------------
