public import Chains
import EventLog

/// `reactortrack top`'s snapshot as text for a terminal 80 columns wide (a row of the table is 77 columns at most
/// unless a figure is wider than its column), or as JSON in ``TopSnapshot/schema``.
public enum TopFormatter {
    /// The snapshot as text: what the log holds, the chains in flight (at most `rows` of them, oldest first), with
    /// `callbacks` the callbacks view (at most `rows` names), with `ended` the chains that ended within the
    /// retention (at most `rows`, the latest first), then the warnings.
    public static func text(_ s: TopSnapshot, rows: Int = 20, callbacks: Bool = false, ended: Bool = false) -> String {
        var lines = heading(s)
        lines.append("")
        if s.inFlight.isEmpty {
            lines.append("nothing in flight")
        } else {
            lines.append(header(count: s.inFlight.count))
            for r in s.inFlight.prefix(rows) { lines.append(row(r, asOf: s.asOf)) }
            if s.inFlight.count > rows { lines.append("… \(s.inFlight.count - rows) more in flight (--rows)") }
        }
        if callbacks {
            lines.append("")
            lines += callbackLines(s, rows: rows)
        }
        if ended {
            lines.append("")
            lines += endedLines(s, rows: rows)
        }
        lines.append("")
        if s.warnings.isEmpty {
            lines.append("no warnings")
        } else {
            lines.append("WARNINGS")
            lines += warningLines(s)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The callbacks view: by name, the ones that held their threads longest in all first (at most `rows`).
    public static func callbackLines(_ s: TopSnapshot, rows: Int = 20) -> [String] {
        guard !s.callbacks.isEmpty else { return ["no callbacks have run"] }
        var lines = [callbackHeader(count: s.callbacks.count)]
        for c in s.callbacks.prefix(rows) { lines.append(callbackRow(c)) }
        if s.callbacks.count > rows { lines.append("… \(s.callbacks.count - rows) more callbacks") }
        return lines
    }

    /// The chains that ended within the retention, the latest first (at most `rows`): how each ended, how long it
    /// lived, its time in callbacks, pairs run out of added, and how long ago it ended.
    public static func endedLines(_ s: TopSnapshot, rows: Int = 20) -> [String] {
        let window = s.retain > 0 ? "in the last \(DurationFormat.text(s.retain))" : "listed (--retain 0)"
        guard !s.ended.isEmpty else { return ["no chain ended \(window)"] }
        var lines = [endedHeader(count: s.ended.count)]
        for r in s.ended.prefix(rows) { lines.append(endedRow(r, asOf: s.asOf)) }
        if s.ended.count > rows { lines.append("… \(s.ended.count - rows) more ended \(window) (--rows)") }
        return lines
    }

    /// The ended chains' table's header line.
    public static func endedHeader(count: Int) -> String {
        row("ENDED (\(count))", "OUTCOME", "LIFETIME", "CALLBACKS", "PAIRS", "AGO")
    }

    /// One ended chain as a line of its table; ago is the time from its end to the moment shown.
    public static func endedRow(_ r: TopSnapshot.EndedRow, asOf: Double?) -> String {
        row(
            TerminalText.escaped(r.title), r.outcome, r.lifetime.map(DurationFormat.text) ?? "-",
            DurationFormat.text(r.running), "\(r.pairsRun)/\(r.pairsAdded)", DurationFormat.text(max(0, (asOf ?? r.end) - r.end)))
    }

    /// The callbacks table's header line.
    public static func callbackHeader(count: Int) -> String {
        callbackRow("CALLBACKS (\(count))", "CALLS", "TOTAL", "P50", "P99", "MAX", "FAILED")
    }

    /// One callback name as a line of the callbacks table: calls, total time, p50/p99/max of a call, and the share
    /// of its calls that raised or failed.
    public static func callbackRow(_ c: CallbackStats) -> String {
        let failed = c.calls > 0 ? Double(c.failures) / Double(c.calls) * 100 : 0
        let share = c.failures == 0 ? "0%" : failed < 1 ? "<1%" : "\(Int(failed.rounded()))%"
        let p = c.percentiles
        return callbackRow(
            TerminalText.escaped(c.name), "\(c.calls)", DurationFormat.text(c.total), DurationFormat.text(p.p50),
            DurationFormat.text(p.p99), DurationFormat.text(p.max), share)
    }

    private static func callbackRow(
        _ name: String, _ calls: String, _ total: String, _ p50: String, _ p99: String, _ max: String, _ failed: String
    ) -> String {
        // 22 + 7 + 9 + 9 + 9 + 9 + 6 and the spaces: 77 columns.
        let text =
            cut(name, 22) + " " + left(calls, 7) + " " + left(total, 9) + " " + left(p50, 9) + " " + left(p99, 9) + " "
            + left(max, 9) + " " + left(failed, 6)
        return String(text.reversed().drop { $0 == " " }.reversed())
    }

    /// The table's header line.
    public static func header(count: Int) -> String {
        row("IN FLIGHT (\(count))", "STATE", "AGE", "CALLBACKS", "PAIRS", "IDLE")
    }

    /// One chain in flight as a line of the table; idle is the time since its last event.
    public static func row(_ r: TopSnapshot.Row, asOf: Double?, folded: Int = 0) -> String {
        let idle = r.lastEvent.map { DurationFormat.text(max(0, (asOf ?? $0) - $0)) } ?? "-"
        return row(
            indented(r, folded: folded), state(r), DurationFormat.text(r.age), DurationFormat.text(r.running),
            "\(r.pairsRun)/\(r.pairsAdded)", idle)
    }

    /// A row's title, under its parent (`↳`, indented by its depth up to four levels) when it has one; with
    /// `folded`, the number of chains folded under it.
    public static func indented(_ r: TopSnapshot.Row, folded: Int = 0) -> String {
        let title = TerminalText.escaped(r.title) + (folded > 0 ? " +\(folded)" : "")
        guard r.depth > 0 else { return title }
        return String(repeating: "  ", count: min(r.depth, 4) - 1) + "↳ " + title
    }

    /// The first two lines of the text: what was read and when, then the counts (wrapped at 79 columns).
    public static func heading(_ s: TopSnapshot) -> [String] {
        let moment = s.asOf.map { "as of \(TerminalText.utc($0)) (its last event)" } ?? "no timestamp read"
        var lines = ["top: \(TerminalText.escaped(s.inputs.joined(separator: ", "))), \(moment)"]
        let c = s.counts
        var outcomes = c.outcomes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.value) \($0.key)" }
        if outcomes.isEmpty { outcomes = ["none"] }
        lines += wrap(
            "\(c.chains) \(c.chains == 1 ? "chain" : "chains"): \(s.inFlight.count) in flight; "
                + outcomes.joined(separator: ", ") + "; \(c.messages) messages"
                + (c.lostEvents > 0 ? "; \(c.lostEvents) lost events" : ""), indent: "")
        return lines
    }

    /// The warnings as lines: the kind, then the sentence, wrapped at 79 columns.
    public static func warningLines(_ s: TopSnapshot) -> [String] {
        var lines: [String] = []
        for w in s.warnings {
            let wrapped = wrap(sentence(w), indent: String(repeating: " ", count: 13))
            lines.append("  " + pad(w.kind.rawValue, 10) + " " + wrapped[0].dropFirst(13))
            lines += wrapped.dropFirst()
        }
        return lines
    }

    /// What a chain in flight is doing, in a few words.
    public static func state(_ r: TopSnapshot.Row) -> String {
        switch r.state {
        case .running: return "running " + TerminalText.escaped(r.callback ?? "?")
        case .waiting:
            let on = r.waitingOn.map { "#\($0)" } ?? "?"
            guard let stuck = r.stuckOn, stuck != r.waitingOn else { return "waiting on " + on }
            return "waiting on \(on) → #\(stuck)"
        default: return r.state.rawValue
        }
    }

    /// One warning as a sentence: how many, of what, and the chains behind it.
    public static func sentence(_ w: TopSnapshot.Warning) -> String {
        func plural(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
        let threshold = w.threshold.map(DurationFormat.text) ?? ""
        var text: String
        switch w.kind {
        case .blocked: text = plural(w.count, "callback", "callbacks") + " held the thread ≥ \(threshold)"
        case .pending: text = plural(w.count, "chain", "chains") + " in flight ≥ \(threshold)"
        case .cycle: text = plural(w.count, "chain", "chains") + " in a wait cycle"
        case .unhandled: text = plural(w.count, "chain", "chains") + " ended with an unhandled error"
        case .dropped: text = plural(w.count, "event", "events") + " dropped by the monitor are not in the log"
        }
        if !w.chains.isEmpty {
            text += ": " + w.chains.map(TerminalText.escaped).joined(separator: ", ")
            if w.kind != .blocked, w.count > w.chains.count { text += ", …" }
        }
        return text
    }

    /// The snapshot as pretty-printed JSON with sorted keys (schema ``TopSnapshot/schema``).
    public static func json(_ s: TopSnapshot) -> String {
        (SummaryFormatter.pretty(s) ?? "{}") + "\n"
    }

    private static func row(_ title: String, _ state: String, _ age: String, _ running: String, _ pairs: String, _ last: String)
        -> String
    {
        // 20 + 18 + 9 + 9 + 7 + 9 and the spaces: 77 columns.
        let text =
            cut(title, 20) + " " + cut(state, 18) + " " + left(age, 9) + " " + left(running, 9) + " " + left(pairs, 7)
            + " " + left(last, 9)
        return String(text.reversed().drop { $0 == " " }.reversed())
    }

    /// `text` in lines of at most `width` columns, broken at spaces: the first after `indent`, the others after
    /// `continuation` (`indent` when `nil`). A word longer than a line has a line of its own.
    public static func wrap(_ text: String, indent: String, continuation: String? = nil, width: Int = 79) -> [String] {
        var lines: [String] = []
        var lead = indent
        var line = indent
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if line.count > lead.count, line.count + 1 + word.count > width {
                lines.append(line)
                lead = continuation ?? indent
                line = lead
            }
            line += (line.count > lead.count ? " " : "") + word
        }
        lines.append(line)
        return lines
    }

    /// `s` cut to `n` characters, the last one a visible `…` when it was longer.
    public static func fit(_ s: String, _ n: Int) -> String { s.count > n ? String(s.prefix(max(0, n - 1))) + "…" : s }

    /// `s` padded with spaces to `n` characters.
    public static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }

    /// A column of `n` characters: `s` cut or padded to fit.
    private static func cut(_ s: String, _ n: Int) -> String { pad(fit(s, n), n) }

    private static func left(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : String(repeating: " ", count: n - s.count) + s
    }
}
