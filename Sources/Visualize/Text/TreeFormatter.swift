public import Chains
import EventLog
/// The terminal view of chains (`reactortrack tree`): each family as a tree, Deferred chains as their pairs
/// with what ran, for how long and with what outcome; other Eliot tasks as action trees, like eliot-tree.
public struct TreeFormatter: Sendable {
    /// Whether to use ANSI colours.
    public var color: Bool
    /// Whether action trees show each message's timestamp (as eliot-tree does).
    public var timestamps: Bool
    /// The longest field value shown, in characters; longer ones are cut with a visible `…` and the count of
    /// what was cut. 0 shows every value whole.
    public var fieldLimit: Int

    /// Creates a formatter.
    public init(color: Bool, timestamps: Bool = true, fieldLimit: Int = 200) {
        self.color = color
        self.timestamps = timestamps
        self.fieldLimit = fieldLimit
    }

    private func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    private func bold(_ t: String) -> String { paint(t, "1") }
    private func dim(_ t: String) -> String { paint(t, "2") }
    private func red(_ t: String) -> String { paint(t, "31") }
    private func green(_ t: String) -> String { paint(t, "32") }
    private func blue(_ t: String) -> String { paint(t, "34") }
    private func magenta(_ t: String) -> String { paint(t, "35") }
    private func yellow(_ t: String) -> String { paint(t, "33") }

    /// The whole view, one family after another, separated by blank lines.
    public func format(_ chains: [Chain]) -> String {
        ChainFamily.group(chains).map(format).joined(separator: "\n")
    }

    /// One family: each linked chain is shown under the pair it is linked from.
    ///
    /// The monitor's dropped-events marker is one warning line, not a tree.
    public func format(_ family: ChainFamily) -> String {
        var lines: [String] = []
        format(family) { lines.append($0) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One family, a line at a time (each without its newline): a family of a hundred thousand linked chains is
    /// written as it is formatted, never held as one text.
    public func format(_ family: ChainFamily, line emit: (String) -> Void) {
        if family.members.count == 1, let dropped = family.root.droppedEvents {
            emit(yellow(PageBuilder.droppedText(dropped)))
            return
        }
        let members = family.members
        var children: [Int: [Int]] = [:]
        for (i, parent) in family.parents.enumerated() {
            if let parent { children[parent, default: []].append(i) }
        }
        let nested = NestedTimes(family)
        // A loop over an explicit stack, not recursion, however long the line of links: a member's lines, then
        // the members linked from each pair under that pair's line, then those linked from no pair shown.
        enum Work {
            case member(Int, pad: String)
            case line(String)
        }
        var stack: [Work] = [.member(0, pad: "")]
        var work: [Work] = []
        while let next = stack.popLast() {
            guard case .member(let i, let pad) = next else {
                if case .line(let line) = next { emit(line) }
                continue
            }
            let member = members[i]
            let chain = member.chain
            var head = pad + (member.depth > 0 ? "↳ " : "")
            // Past the indent limit, a chain is drawn at the limit's indent, with its depth written out.
            if member.depth > ChainFamily.indentLimit { head += dim("(depth \(member.depth)) ") }
            head += bold(esc(chain.title)) + "  " + outcome(chain.outcome)
            head += durationText(chain)
            if chain.isDeferred {
                head += dim(" (running \(DurationFormat.text(chain.runningTime)), waiting \(DurationFormat.text(chain.waitingTime)))")
            }
            if let link = member.link, let parent = member.parentTitle {
                let verb = switch link.kind {
                case .chained: "chained from"
                case .waitedOn: "awaited by"
                case .returned: "returned to"
                case .contains: "tracked inside"
                }
                head += dim("  \(verb) \(esc(parent))")
                if chain.inferred.contains(.link) { head += dim(" (inferred)") }
            }
            emit(head)
            emit(pad + dim("  task \(esc(chain.id)) · \(esc(chain.file)):\(chain.line.map(String.init) ?? "?")"))
            if !chain.inferred.isEmpty {
                emit(pad + "  " + yellow("inferred, not recorded:") + dim(" " + Inference.list(chain.inferred)))
            }
            let indents = member.depth < ChainFamily.indentLimit
            // The members linked from each pair, in link order; each pair's are placed once, under its first line.
            var byPair: [Int: [Int]] = [:]
            var unplaced: [Int] = []
            for child in children[i] ?? [] {
                if let pairIndex = members[child].link?.pairIndex {
                    byPair[pairIndex, default: []].append(child)
                } else {
                    unplaced.append(child)
                }
            }
            let body = chain.isDeferred ? pairLines(chain, nested: nested, pad: pad) : spanLines(chain, pad: pad)
            work.removeAll(keepingCapacity: true)
            for (line, pairIndex) in body {
                work.append(.line(line))
                guard let pairIndex, let placed = byPair.removeValue(forKey: pairIndex) else { continue }
                for child in placed { work.append(.member(child, pad: indents ? pad + "│       " : pad)) }
            }
            // Linked from a pair not shown, or from none: after the body, in link order.
            var rest = unplaced
            if !byPair.isEmpty {
                rest = (children[i] ?? []).filter { child in
                    members[child].link?.pairIndex.map { byPair[$0] != nil } ?? true
                }
            }
            for child in rest { work.append(.member(child, pad: indents ? pad + "        " : pad)) }
            stack += work.reversed()
        }
    }

    /// The chain's duration: whole when it is complete; for a task still open, how long it was seen so far; for
    /// an ended root with actions still open below it, that it is incomplete; nothing for a lone message.
    private func durationText(_ chain: Chain) -> String {
        if chain.outcome == .message { return "" }
        let time = DurationFormat.text(chain.duration)
        if chain.isComplete { return "  " + time }
        if chain.outcome.isOpen { return "  " + dim("\(time) so far") }
        if chain.cutAt != nil { return "  " + time + "  " + magenta("incomplete") + dim(" (cut by the flight record)") }
        let open = chain.facts?.openActions.count ?? 0
        return "  " + time + "  " + magenta("incomplete") + dim(" (\(open) \(open == 1 ? "action" : "actions") never ended)")
    }

    private func outcome(_ outcome: ChainOutcome) -> String {
        switch outcome {
        case .succeeded: green("✓ succeeded")
        case .recovered(_, let reason):
            green("✓ " + esc(outcome.badge)) + (reason.isEmpty ? "" : dim(": " + esc(reason)))
        case .failed, .unhandled: red("✗ " + esc(outcome.badge))
        case .waiting: yellow("⧖ " + outcome.badge)
        case .message: dim("· message")
        default: magenta("… " + outcome.badge)
        }
    }

    private func pairLines(_ chain: Chain, nested: NestedTimes, pad: String) -> [(String, Int?)] {
        var lines: [(String, Int?)] = []
        if let firedAt = chain.firedAt, let start = chain.start {
            lines.append((pad + "├── " + dim("fired +\(DurationFormat.text(firedAt - start)) on the \(chain.firedSide == .errback ? "errback" : "callback") path\(chain.firedValue.map { " with \(bounded($0))" } ?? "")"), nil))
        }
        if let cutAt = chain.cutAt, let start = chain.start {
            let text = "✂ tracked before the flight record began: its events up to +\(DurationFormat.text(cutAt - start)) are not in it"
            lines.append((pad + "├── " + magenta(text), nil))
        }
        if let cycle = chain.waitCycle {
            let text = "⟲ stuck in a wait cycle: " + cycle.map { "#\($0)" }.joined(separator: " → ") + " (none can fire)"
            lines.append((pad + "├── " + magenta(text), nil))
        }
        if let cancelledAt = chain.cancelledAt, let start = chain.start {
            var line = "⊘ cancelled +\(DurationFormat.text(cancelledAt - start))"
            if let converter = chain.cancellationConverter {
                line += "; \(esc(converter.name)) turned it into \(esc(ChainOutcome.shortType(converter.exception ?? "?")))"
            }
            lines.append((pad + "├── " + magenta(line), nil))
        }
        var pairs = chain.pairs
        for run in chain.extraRuns { pairs.append(LadderPair(index: -1, callback: run.side == .callback ? run.name : nil, errback: run.side == .errback ? run.name : nil, run: run, fate: .ran)) }
        if pairs.isEmpty {
            lines.append((pad + "└── " + dim(chain.cutAt == nil ? "no callbacks added" : "no callbacks in the record"), nil))
        }
        for (i, pair) in pairs.enumerated() {
            let branch = i == pairs.count - 1 ? "└── " : "├── "
            let index = pair.index >= 0 ? "[\(pair.index)] " : ""
            guard let run = pair.run else {
                let names = esc("\(pair.callback ?? "pass") / \(pair.errback ?? "pass")")
                let what =
                    switch pair.fate {
                    case .notReached: "not reached"
                    case .beforeTracking: "ran before tracking"
                    default: "passed on the \(pair.pathIn == .errback ? "errback" : "callback") path"
                    }
                lines.append((pad + branch + dim("\(index)\(names)  \(what)"), pair.index))
                continue
            }
            var line = index + (run.side == .callback ? blue(esc(run.name)) : green(esc(run.name)) + dim(" (errback)"))
            line += "  " + (run.end == nil ? magenta("running at end of log") : DurationFormat.text(run.duration ?? 0))
            if let nested = nested.time(in: run, of: chain), let duration = run.duration {
                line += dim(" (self \(DurationFormat.text(max(0, duration - nested))))")
            }
            if let exception = run.exception {
                line += "  " + red("✗ " + bounded("\(exception): \(run.reason ?? "")"))
            } else if let output = run.output {
                line += dim("  → " + bounded(output))
            }
            if let wait = pair.wait {
                line += "  " + yellow("⧖ waited on #\(wait.on.map(String.init) ?? "?") \(wait.end == nil ? "(still waiting)" : DurationFormat.text(wait.duration ?? 0))")
                if let value = wait.resumedValue { line += dim(" → " + bounded(value)) }
            }
            if let out = pair.pathOut, let into = pair.pathIn, out != into {
                line += out == .errback ? red("  ⇒ errbacks") : green("  ⇒ back to callbacks")
            }
            lines.append((pad + branch + line, pair.index))
        }
        return lines
    }

    /// A line of an action tree still to write: a span's, or a plain one (a field, an action's end) with fields
    /// below it.
    private enum Node {
        case span(Int)
        case text(String, fields: [FieldLine])
    }

    /// An Eliot task as eliot-tree shows it: each action with its start fields, its children and its end
    /// message (with the end fields); each message with its fields; timestamps unless turned off.
    ///
    /// A loop over an explicit stack, not recursion, however deep the actions nest.
    private func spanLines(_ chain: Chain, pad: String) -> [(String, Int?)] {
        let spans = chain.spans
        // Where each span's node ends: an action holds every span after it that is deeper, up to the first that
        // is not; a message holds none.
        var ends = [Int](repeating: spans.count, count: spans.count)
        var open: [Int] = []
        for (j, span) in spans.enumerated() {
            while let top = open.last, spans[top].depth >= span.depth {
                ends[top] = j
                open.removeLast()
            }
            if span.kind == .action { open.append(j) } else { ends[j] = j + 1 }
        }
        var lines: [(String, Int?)] = []
        var stack: [(node: Node, prefix: String, isLast: Bool)] = []
        var top: [Node] = []
        var index = 0
        while index < spans.count {
            top.append(.span(index))
            index = ends[index]
        }
        for (i, node) in top.enumerated().reversed() { stack.append((node, "", i == top.count - 1)) }
        var children: [Node] = []
        while let (node, prefix, isLast) = stack.popLast() {
            children.removeAll(keepingCapacity: true)
            let text: String
            switch node {
            case .text(let line, let fields):
                text = line
                children += fields.map { Node.text(fieldText($0), fields: []) }
            case .span(let i):
                text = spanText(spans[i], children: &children, inside: i + 1..<ends[i], ends: ends)
            }
            lines.append((pad + prefix + (isLast ? "└── " : "├── ") + text, nil))
            let inner = prefix + (isLast ? "    " : "│   ")
            for (i, child) in children.enumerated().reversed() { stack.append((child, inner, i == children.count - 1)) }
        }
        return lines
    }

    /// The line of `span`; its fields, the spans in `inside` it holds and its end go into `children`.
    private func spanText(
        _ span: ActionSpan, children: inout [Node], inside: Range<Int>, ends: [Int]
    ) -> String {
        var text = esc(span.name) + dim(esc(span.level))
        let time = timestamps ? span.start.map { " " + dim(TerminalText.utc($0)) } ?? "" : ""
        children += span.startFields.map { Node.text(fieldText($0), fields: []) }
        switch span.kind {
        case .message:
            text += time
        case .action:
            if span.fields.first == "(start message missing)" {
                text += " ⇒ " + magenta("start message missing")
            } else {
                text += " ⇒ started" + time
            }
            if let duration = span.duration { text += " ⧖ " + DurationFormat.text(duration) }
            if span.isOpen { text += "  " + magenta("never ended") }
            var child = inside.lowerBound
            while child < inside.upperBound {
                children.append(.span(child))
                child = ends[child]
            }
            if let level = span.endLevel {
                let status = span.status == "failed" ? red("failed") : green(esc(span.status ?? "?"))
                let endTime = timestamps ? span.end.map { " " + dim(TerminalText.utc($0)) } ?? "" : ""
                children.append(.text(esc(span.name) + dim(esc(level)) + " ⇒ " + status + endTime, fields: span.endFields))
            }
        }
        return text
    }

    private func fieldText(_ field: FieldLine) -> String {
        let value = TerminalText.bounded(field.value, limit: fieldLimit)
        let failure = field.key == "exception" || field.key == "reason"
        return dim(esc(field.key) + ":") + " " + (failure ? red(value) : value)
    }
    /// Text from the log, safe for a terminal (control characters escaped).
    private func esc(_ text: String) -> String { TerminalText.escaped(text) }

    /// A value from the log, escaped and cut at ``fieldLimit``.
    private func bounded(_ text: String) -> String { TerminalText.bounded(text, limit: fieldLimit) }
}
