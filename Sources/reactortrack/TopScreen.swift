#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Chains
import EventLog
import Visualize

/// `top`'s interactive view: the snapshot redrawn in place, a selection to move, a detail view of one chain, a
/// filter and a sort, on a terminal in raw mode (``RawTerminal``).
struct TopScreen {
    /// What the screen shows.
    enum View { case list, detail, callbacks, ended, help }

    /// The columns the list can be sorted by, in the order `s` steps through them.
    enum Sort: String, CaseIterable {
        case age, callbacks, pairs, idle, title

        /// Whether `a` comes before `b`.
        func before(_ a: TopSnapshot.Row, _ b: TopSnapshot.Row) -> Bool {
            switch self {
            case .age: false
            case .callbacks: a.running > b.running
            case .pairs: a.pairsAdded - a.pairsRun > b.pairsAdded - b.pairsRun
            case .idle: (a.lastEvent ?? .infinity) < (b.lastEvent ?? .infinity)
            case .title: a.title < b.title
            }
        }

        /// The families (a root and the rows under it) sorted by their roots, stably; each family kept whole.
        func ordered(_ families: [[TopSnapshot.Row]]) -> [[TopSnapshot.Row]] {
            guard self != .age else { return families }
            return families.enumerated().sorted { a, b in
                before(a.element[0], b.element[0]) || (!before(b.element[0], a.element[0]) && a.offset < b.offset)
            }.map(\.element)
        }
    }

    var snapshot: TopSnapshot
    var view = View.list
    var sort = Sort.age
    var selected = 0
    var top = 0
    var detailScroll = 0
    var paused = false
    /// Whether each family shows as its root alone, with the number of chains under it.
    var folded = false
    var filter = ""
    /// What is being typed after `/` (a filter) or `g` (a time), until Enter or Esc.
    var editing: String?
    var editingTime = false
    /// The moment shown when rewound (Unix seconds); `nil` when following the log as it is written.
    var cursor: Double?
    /// How far `[` and `]` move the cursor, seconds (`{` and `}`: ten times as far).
    let step: Double
    /// The latest moment of the log read live: `]` past it follows again.
    var live: Double?
    /// Whether a key asked for the log to be read again now (the cursor moved).
    var wantsRead = false
    /// The last problem reading the log (shown until a read succeeds).
    var problem: String?
    /// How long the last read of the log took, seconds: longer than `interval`, the screen falls behind the log
    /// and says so.
    var readSeconds: Double?
    /// How often the log is read (`--interval`).
    var interval: Double = 2
    let color: Bool

    init(snapshot: TopSnapshot, color: Bool, step: Double) {
        self.snapshot = snapshot
        self.color = color
        self.step = step
        live = snapshot.asOf
    }

    /// The rows shown: in families (folded to their roots with `z`), sorted by their roots; filtered, the rows
    /// that match, each on its own.
    var rows: [TopSnapshot.Row] {
        let needle = filter.lowercased()
        guard needle.isEmpty else {
            let kept = snapshot.inFlight.filter {
                $0.title.lowercased().contains(needle) || TopFormatter.state($0).lowercased().contains(needle)
            }
            return sort.ordered(kept.map { [$0] }).map { var row = $0[0]; row.depth = 0; return row }
        }
        var families: [[TopSnapshot.Row]] = []
        for row in snapshot.inFlight {
            if row.depth == 0 || families.isEmpty { families.append([row]) } else { families[families.count - 1].append(row) }
        }
        let sorted = sort.ordered(families)
        return folded ? sorted.map { $0[0] } : sorted.flatMap { $0 }
    }

    /// How many chains are folded under each root, by task (with `z`).
    var foldedCounts: [String: Int] {
        var counts: [String: Int] = [:]
        var root: String?
        for row in snapshot.inFlight {
            if row.depth == 0 { root = row.task } else if let root { counts[root, default: 0] += 1 }
        }
        return counts
    }

    /// Handles a key; `false` to quit.
    mutating func handle(_ key: RawTerminal.Key) -> Bool {
        if let text = editing {
            switch key {
            case .enter where editingTime:
                editing = nil
                if let time = Self.time(text, from: cursor ?? snapshot.asOf) { move(to: time) } else { problem = "not a time: \(text)" }
            case .enter:
                filter = text
                editing = nil
                selected = 0
            case .escape, .interrupt: editing = nil
            case .backspace: editing = String(text.dropLast())
            case .character(let c): editing = text + String(c)
            default: break
            }
            return true
        }
        let count = rows.count
        switch key {
        case .character("q"), .interrupt: return false
        case .character(" "): paused.toggle()
        case .character("?"): view = view == .help ? .list : .help
        case .character("z"):
            folded.toggle()
            selected = 0
        case .character("c"):
            view = view == .callbacks ? .list : .callbacks
            detailScroll = 0
        case .character("e"):
            view = view == .ended ? .list : .ended
            detailScroll = 0
        case .escape: view = .list
        case .enter: if view == .list, count > 0 { view = .detail; detailScroll = 0 }
        case .character("s"): sort = Sort.allCases[(Sort.allCases.firstIndex(of: sort)! + 1) % Sort.allCases.count]
        case .character("/"):
            editing = filter
            editingTime = false
        case .character("g"):
            editing = ""
            editingTime = true
        case .character("["): move(by: -step)
        case .character("]"): move(by: step)
        case .character("{"): move(by: -10 * step)
        case .character("}"): move(by: 10 * step)
        case .character("f"):
            cursor = nil
            paused = false
            wantsRead = true
        case .up, .character("k"):
            if scrolls { detailScroll = max(0, detailScroll - 1) } else { selected = max(0, selected - 1) }
        case .down, .character("j"):
            if scrolls { detailScroll += 1 } else { selected = min(max(0, count - 1), selected + 1) }
        case .pageUp: if scrolls { detailScroll = max(0, detailScroll - 10) } else { selected = max(0, selected - 10) }
        case .pageDown: if scrolls { detailScroll += 10 } else { selected = min(max(0, count - 1), selected + 10) }
        case .home: selected = 0
        case .end, .character("G"): selected = max(0, count - 1)
        default: break
        }
        return true
    }

    /// Whether the arrows scroll the view (the detail, the callbacks) rather than move the selection.
    private var scrolls: Bool { view == .detail || view == .callbacks || view == .ended }

    /// Moves the cursor by `seconds` from the moment shown; past the live end it follows the log again.
    private mutating func move(by seconds: Double) {
        guard let from = cursor ?? snapshot.asOf else { return }
        move(to: from + seconds)
    }

    private mutating func move(to time: Double) {
        if let live, time >= live { cursor = nil } else { cursor = time }
        wantsRead = true
    }

    /// A time typed after `g`: Unix seconds, ISO 8601, or `-5s` / `+2m` from the moment shown.
    static func time(_ text: String, from now: Double?) -> Double? {
        let trimmed = String(text.drop { $0 == " " })
        if let sign = trimmed.first, sign == "-" || sign == "+", let now,
            let seconds = TopCommand.seconds(String(trimmed.dropFirst()))
        {
            return sign == "-" ? now - seconds : now + seconds
        }
        return ChainSelection.parseTime(trimmed)
    }

    /// The screen as `size.rows` lines, each at most `size.columns` wide.
    mutating func lines(columns: Int, rows height: Int) -> [String] {
        var out: [String] = []
        let mode = cursor.map { "rewound to \(TerminalText.utc($0)) ([ ] step, f follows)" } ?? (paused ? "paused" : "following")
        var status = mode + " · sort: \(sort.rawValue)" + (folded ? " · folded" : "")
            + (filter.isEmpty ? "" : " · filter: \(TerminalText.escaped(filter))")
        if cursor == nil, let read = readSeconds, read > interval {
            status += " · behind: a read takes \(DurationFormat.text(read)) (--interval \(DurationFormat.text(interval)))"
        }
        let heading = TopFormatter.heading(snapshot)
        out += heading.map { TopFormatter.fit($0, columns) }
        out.append(TopFormatter.fit(problem.map { "! " + TerminalText.escaped($0) } ?? status, columns))
        let footer =
            editing.map {
                (editingTime ? "go to (ISO 8601, Unix seconds, -5s): " : "/") + TerminalText.escaped($0)
                    + "▏  (Enter apply, Esc cancel)"
            }
            ?? "q quit  space pause  Enter detail  c callbacks  e ended  / filter  ? help"
        let shown = rows
        selected = min(selected, max(0, shown.count - 1))
        var body: [String] = []
        switch view {
        case .help: body = Self.help
        case .detail where !shown.isEmpty: body = detail(shown[selected], columns: columns)
        case .callbacks:
            // Every name the snapshot has (at most TopSnapshot.callbackRows), scrolled with the arrows.
            body = [""] + TopFormatter.callbackLines(snapshot, rows: TopSnapshot.callbackRows)
        case .ended:
            // Every chain the snapshot lists as ended (at most TopSnapshot.endedRows), filtered as the list is.
            var ended = snapshot
            let needle = filter.lowercased()
            if !needle.isEmpty {
                ended.ended = ended.ended.filter { $0.title.lowercased().contains(needle) || $0.outcome.contains(needle) }
            }
            body = [""] + TopFormatter.endedLines(ended, rows: TopSnapshot.endedRows)
        default:
            let warnings = TopFormatter.warningLines(snapshot)
            let room = max(1, height - out.count - 3 - min(warnings.count, 6) - (warnings.isEmpty ? 0 : 1))
            body.append(TopFormatter.header(count: shown.count))
            if selected < top { top = selected }
            if selected >= top + room { top = selected - room + 1 }
            top = max(0, min(top, max(0, shown.count - room)))
            let counts = folded ? foldedCounts : [:]
            for (i, row) in shown.enumerated().dropFirst(top).prefix(room) {
                let line = TopFormatter.fit(TopFormatter.row(row, asOf: snapshot.asOf, folded: counts[row.task] ?? 0), columns)
                body.append(i == selected ? "\u{1B}[7m" + TopFormatter.pad(line, columns) + "\u{1B}[0m" : line)
            }
            if shown.isEmpty { body.append(snapshot.inFlight.isEmpty ? "nothing in flight" : "nothing matches the filter") }
            if !warnings.isEmpty {
                while out.count + body.count < height - 1 - min(warnings.count, 6) - 1 { body.append("") }
                body.append(paint("WARNINGS", "1;31"))
                body += warnings.prefix(6).map { paint(TopFormatter.fit($0, columns), "31") }
            }
        }
        let scrolled = scrolls ? Array(body.dropFirst(min(detailScroll, max(0, body.count - 1)))) : body
        for line in scrolled where out.count < height - 1 {
            out.append(line.hasPrefix("\u{1B}[") ? line : TopFormatter.fit(line, columns))
        }
        while out.count < height - 1 { out.append("") }
        out.append(paint(TopFormatter.fit(footer, columns), "2"))
        return out
    }

    /// The detail of one chain: what it waits on, followed to where it is stuck, then its ladder.
    private func detail(_ row: TopSnapshot.Row, columns: Int) -> [String] {
        var lines = ["", paint(TerminalText.escaped(row.title), "1") + "  " + TopFormatter.state(row)]
        // What is said about the chain is wrapped, not cut: the creation site is at the end.
        func say(_ text: String, indent: String = "") {
            lines += TopFormatter.wrap(text, indent: indent, continuation: indent + "  ", width: columns - 1)
        }
        say(
            "in flight \(DurationFormat.text(row.age)), \(DurationFormat.text(row.running)) in callbacks, "
                + "\(row.pairsRun)/\(row.pairsAdded) pairs run, from \(TerminalText.escaped(row.location))"
                + (row.createdAt.map { ", created at " + TerminalText.escaped($0) } ?? ""))
        if row.waitingOn != nil {
            lines.append("")
            lines.append(paint("WHY IT IS STUCK", "1"))
            var id = row.waitingOn
            var seen: Set<Int> = row.deferredID.map { [$0] } ?? []
            // The chains in flight by id, looked up once each (searching the rows at each step was quadratic in a
            // long line of waits), of the selected chain's file.
            let file = Self.file(of: row)
            var byID: [Int: TopSnapshot.Row] = [:]
            for other in snapshot.inFlight where Self.file(of: other) == file {
                if let key = other.deferredID, byID[key] == nil { byID[key] = other }
            }
            var steps = 0
            while let next = id {
                guard seen.insert(next).inserted else {
                    say("… and back to #\(next): a wait cycle, which nothing outside it can end", indent: "  ")
                    break
                }
                steps += 1
                guard steps <= Self.stuckSteps else {
                    say("… and on through more chains in flight (shown: the first \(Self.stuckSteps))", indent: "  ")
                    break
                }
                guard let target = byID[next] else {
                    say("waits on #\(next): not in flight in this log (ended, or not tracked)", indent: "  ")
                    break
                }
                say(
                    "waits on \(TerminalText.escaped(target.title)): \(TopFormatter.state(target)), in flight "
                        + DurationFormat.text(target.age)
                        + (target.createdAt.map { ", created at " + TerminalText.escaped($0) } ?? ""), indent: "  ")
                id = target.waitingOn
            }
        }
        if let chain = row.chain {
            lines.append("")
            let formatter = TreeFormatter(color: false, timestamps: false, fieldLimit: 120)
            for family in ChainFamily.group([chain]) { formatter.format(family) { lines.append($0) } }
        }
        return lines
    }

    /// The most waits "why it is stuck" follows on screen.
    static let stuckSteps = 200

    /// The file a row was read from (its location without the line).
    static func file(of row: TopSnapshot.Row) -> Substring {
        row.location.lastIndex(of: ":").map { row.location[..<$0] } ?? Substring(row.location)
    }

    static let help = [
        "", "KEYS",
        "  q, Ctrl-C    quit",
        "  space        pause or follow the log (it is read again every --interval)",
        "  ↑ ↓, k j     move; PgUp PgDn by ten; Home End (G) to the ends",
        "  Enter        the chain's detail: why it is stuck, its ladder (↑ ↓ scroll)",
        "  Esc          back to the list",
        "  c            the callbacks by name: calls, total, p50, p99, max, share failed (↑ ↓ scroll)",
        "  e            the chains that ended within --retain, the latest first (↑ ↓ scroll)",
        "  s            sort by age, callbacks, pairs left, idle, title (a family moves with its root)",
        "  z            fold each family under its root (+N: the chains under it), or unfold",
        "  /            filter by title or state (Enter applies, Esc cancels)",
        "  [ ]          rewind: the log as it stood a --step earlier or later ({ }: ten steps)",
        "  g            go to a time: ISO 8601, Unix seconds, or -5s / +2m from the moment shown",
        "  f            follow the log again (leave the rewind)",
        "  ?            this help",
    ]

    private func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

}
