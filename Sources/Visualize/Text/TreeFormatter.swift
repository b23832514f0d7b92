public import Chains
/// The terminal view of chains (`reactortrack tree`): each family as a tree, Deferred chains as their pairs
/// with what ran, for how long and with what outcome; other Eliot tasks as action trees, like eliot-tree.
public struct TreeFormatter: Sendable {
    /// Whether to use ANSI colours.
    public var color: Bool

    /// Creates a formatter.
    public init(color: Bool) {
        self.color = color
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
            var head = pad + (member.depth > 0 ? "↳ " : "") + bold(chain.title) + "  " + outcome(chain.outcome)
            head += "  " + DurationFormat.text(chain.duration)
            if chain.isDeferred {
                head += dim(" (running \(DurationFormat.text(chain.runningTime)), waiting \(DurationFormat.text(chain.waitingTime)))")
            }
            if let link = member.link, let parent = member.parentTitle {
                head += dim("  \(link.kind == .chained ? "chained from" : link.kind == .waitedOn ? "awaited by" : "returned to") \(parent)")
                if chain.inferred.contains(.link) { head += dim(" (inferred)") }
            }
            lines.append(head)
            lines.append(pad + dim("  task \(chain.id) · \(chain.file):\(chain.line.map(String.init) ?? "?")"))
            if !chain.inferred.isEmpty {
                lines.append(pad + "  " + yellow("inferred, not recorded:") + dim(" " + Inference.list(chain.inferred)))
            }
            let mine = children[i] ?? []
            var placed = Set<Int>()
            let body = chain.isDeferred ? pairLines(chain, pad: pad) : spanLines(chain, pad: pad)
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

    private func outcome(_ outcome: ChainOutcome) -> String {
        switch outcome {
        case .succeeded: green("✓ succeeded")
        case .failed, .unhandled: red("✗ " + outcome.badge)
        case .waiting: yellow("⧖ " + outcome.badge)
        case .message: dim("· message")
        default: magenta("… " + outcome.badge)
        }
    }

    private func pairLines(_ chain: Chain, pad: String) -> [(String, Int?)] {
        var lines: [(String, Int?)] = []
        if let firedAt = chain.firedAt, let start = chain.start {
            lines.append((pad + "├── " + dim("fired +\(DurationFormat.text(firedAt - start)) on the \(chain.firedSide == .errback ? "errback" : "callback") path\(chain.firedValue.map { " with \($0)" } ?? "")"), nil))
        }
        var pairs = chain.pairs
        for run in chain.extraRuns { pairs.append(LadderPair(index: -1, callback: run.side == .callback ? run.name : nil, errback: run.side == .errback ? run.name : nil, run: run, fate: .ran)) }
        if pairs.isEmpty { lines.append((pad + "└── " + dim("no callbacks added"), nil)) }
        for (i, pair) in pairs.enumerated() {
            let branch = i == pairs.count - 1 ? "└── " : "├── "
            let index = pair.index >= 0 ? "[\(pair.index)] " : ""
            guard let run = pair.run else {
                let names = "\(pair.callback ?? "pass") / \(pair.errback ?? "pass")"
                let what = pair.fate == .notReached ? "not reached" : "passed on the \(pair.pathIn == .errback ? "errback" : "callback") path"
                lines.append((pad + branch + dim("\(index)\(names)  \(what)"), pair.index))
                continue
            }
            var line = index + (run.side == .callback ? blue(run.name) : green(run.name) + dim(" (errback)"))
            line += "  " + (run.end == nil ? magenta("running at end of log") : DurationFormat.text(run.duration ?? 0))
            if let exception = run.exception {
                line += "  " + red("✗ \(exception): \(run.reason ?? "")")
            } else if let output = run.output {
                line += dim("  → \(output)")
            }
            if let wait = pair.wait {
                line += "  " + yellow("⧖ waited on #\(wait.on.map(String.init) ?? "?") \(wait.end == nil ? "(still waiting)" : DurationFormat.text(wait.duration ?? 0))")
                if let value = wait.resumedValue { line += dim(" → \(value)") }
            }
            if let out = pair.pathOut, let into = pair.pathIn, out != into {
                line += out == .errback ? red("  ⇒ errbacks") : green("  ⇒ back to callbacks")
            }
            lines.append((pad + branch + line, pair.index))
        }
        return lines
    }

    private func spanLines(_ chain: Chain, pad: String) -> [(String, Int?)] {
        var lines: [(String, Int?)] = []
        let spans = chain.spans
        var lastAtDepth: [Bool] = []
        for (i, span) in spans.enumerated() {
            var isLast = true
            for next in spans[(i + 1)...] {
                if next.depth < span.depth { break }
                if next.depth == span.depth {
                    isLast = false
                    break
                }
            }
            if lastAtDepth.count > span.depth { lastAtDepth.removeLast(lastAtDepth.count - span.depth) }
            let prefix = lastAtDepth.map { $0 ? "    " : "│   " }.joined()
            lastAtDepth.append(isLast)
            var line = "\(span.name)\(dim(span.level))"
            switch span.kind {
            case .action:
                if span.isOpen {
                    line += " ⇒ " + magenta("open")
                } else if span.status == "failed" {
                    line += " ⇒ " + red("failed") + " ⧖ \(DurationFormat.text(span.duration ?? 0))  " + red("\(span.exception ?? "?"): \(span.reason ?? "")")
                } else {
                    line += " ⇒ " + green(span.status ?? "?") + " ⧖ \(DurationFormat.text(span.duration ?? 0))"
                }
            case .message:
                if let exception = span.exception { line += "  " + red(PageBuilder.singleLine("\(exception): \(span.reason ?? "")")) }
                let fields = span.fields.filter { !$0.hasPrefix("exception: ") && !$0.hasPrefix("reason: ") }
                if !fields.isEmpty { line += dim("  " + String(PageBuilder.singleLine(fields.prefix(4).joined(separator: ", ")).prefix(300))) }
            }
            lines.append((pad + prefix + (isLast ? "└── " : "├── ") + line, nil))
        }
        return lines
    }
}
