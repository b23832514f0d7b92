public import Chains
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
        if family.members.count == 1, let dropped = family.root.droppedEvents {
            return yellow(PageBuilder.droppedText(dropped)) + "\n"
        }
        let members = family.members
        var children: [Int: [Int]] = [:]
        for i in members.indices.dropFirst() {
            if let parent = members[..<i].lastIndex(where: { $0.depth == members[i].depth - 1 }) {
                children[parent, default: []].append(i)
            }
        }
        var lines: [String] = []
        func emit(_ i: Int, pad: String) {
            let member = members[i]
            let chain = member.chain
            var head = pad + (member.depth > 0 ? "↳ " : "") + bold(esc(chain.title)) + "  " + outcome(chain.outcome)
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
            lines.append(head)
            lines.append(pad + dim("  task \(esc(chain.id)) · \(esc(chain.file)):\(chain.line.map(String.init) ?? "?")"))
            if !chain.inferred.isEmpty {
                lines.append(pad + "  " + yellow("inferred, not recorded:") + dim(" " + Inference.list(chain.inferred)))
            }
            let mine = children[i] ?? []
            var placed = Set<Int>()
            let body = chain.isDeferred ? pairLines(chain, family: family, pad: pad) : spanLines(chain, pad: pad)
            for (line, pairIndex) in body {
                lines.append(line)
                guard let pairIndex else { continue }
                for child in mine where members[child].link?.pairIndex == pairIndex && !placed.contains(child) {
                    placed.insert(child)
                    emit(child, pad: pad + "│       ")
                }
            }
            for child in mine where !placed.contains(child) { emit(child, pad: pad + "        ") }
        }
        emit(0, pad: "")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The chain's duration: whole when it is complete; for a task still open, how long it was seen so far; for
    /// an ended root with actions still open below it, that it is incomplete; nothing for a lone message.
    private func durationText(_ chain: Chain) -> String {
        if chain.outcome == .message { return "" }
        let time = DurationFormat.text(chain.duration)
        if chain.isComplete { return "  " + time }
        if chain.outcome.isOpen { return "  " + dim("\(time) so far") }
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

    private func pairLines(_ chain: Chain, family: ChainFamily, pad: String) -> [(String, Int?)] {
        var lines: [(String, Int?)] = []
        if let firedAt = chain.firedAt, let start = chain.start {
            lines.append((pad + "├── " + dim("fired +\(DurationFormat.text(firedAt - start)) on the \(chain.firedSide == .errback ? "errback" : "callback") path\(chain.firedValue.map { " with \(bounded($0))" } ?? "")"), nil))
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
        if pairs.isEmpty { lines.append((pad + "└── " + dim("no callbacks added"), nil)) }
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
            if let nested = family.nestedTime(in: run, of: chain), let duration = run.duration {
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

    /// One line of an action tree and the lines below it.
    private struct Node {
        var text: String
        var children: [Node] = []
    }

    /// An Eliot task as eliot-tree shows it: each action with its start fields, its children and its end
    /// message (with the end fields); each message with its fields; timestamps unless turned off.
    private func spanLines(_ chain: Chain, pad: String) -> [(String, Int?)] {
        var lines: [(String, Int?)] = []
        func render(_ node: Node, prefix: String, isLast: Bool) {
            lines.append((pad + prefix + (isLast ? "└── " : "├── ") + node.text, nil))
            let inner = prefix + (isLast ? "    " : "│   ")
            for (i, child) in node.children.enumerated() {
                render(child, prefix: inner, isLast: i == node.children.count - 1)
            }
        }
        var index = chain.spans.startIndex
        while index < chain.spans.endIndex {
            let node = self.node(chain.spans, at: &index)
            render(node, prefix: "", isLast: index == chain.spans.endIndex)
        }
        return lines
    }

    /// The node of `spans[index]` with everything below it; `index` moves past them.
    private func node(_ spans: [ActionSpan], at index: inout Int) -> Node {
        let span = spans[index]
        index += 1
        var node = Node(text: esc(span.name) + dim(esc(span.level)))
        let time = timestamps ? span.start.map { " " + dim(TerminalText.utc($0)) } ?? "" : ""
        node.children = span.startFields.map(fieldNode)
        switch span.kind {
        case .message:
            node.text += time
        case .action:
            if span.fields.first == "(start message missing)" {
                node.text += " ⇒ " + magenta("start message missing")
            } else {
                node.text += " ⇒ started" + time
            }
            if let duration = span.duration { node.text += " ⧖ " + DurationFormat.text(duration) }
            if span.isOpen { node.text += "  " + magenta("never ended") }
            while index < spans.endIndex, spans[index].depth > span.depth {
                node.children.append(self.node(spans, at: &index))
            }
            if let level = span.endLevel {
                let status = span.status == "failed" ? red("failed") : green(esc(span.status ?? "?"))
                let endTime = timestamps ? span.end.map { " " + dim(TerminalText.utc($0)) } ?? "" : ""
                node.children.append(
                    Node(text: esc(span.name) + dim(esc(level)) + " ⇒ " + status + endTime, children: span.endFields.map(fieldNode)))
            }
        }
        return node
    }

    private func fieldNode(_ field: FieldLine) -> Node {
        let value = TerminalText.bounded(field.value, limit: fieldLimit)
        let failure = field.key == "exception" || field.key == "reason"
        return Node(text: dim(esc(field.key) + ":") + " " + (failure ? red(value) : value))
    }

    /// Text from the log, safe for a terminal (control characters escaped).
    private func esc(_ text: String) -> String { TerminalText.escaped(text) }

    /// A value from the log, escaped and cut at ``fieldLimit``.
    private func bounded(_ text: String) -> String { TerminalText.bounded(text, limit: fieldLimit) }
}
