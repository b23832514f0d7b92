import EventLog

/// Folds chains into a ``TopSnapshot`` one at a time, as ``LogLoader/stream(_:_:)`` hands them out, keeping of an
/// ended chain only its counts and warnings, and of a chain in flight its row.
public struct TopAccumulator: Sendable {
    /// The thresholds of the warnings.
    public let thresholds: TopSnapshot.Thresholds
    /// Whether each row keeps its chain (``TopSnapshot/Row/chain``): for a view that shows a chain's ladder.
    public var keepsChains = false
    private var summary = SummaryAccumulator(top: TopSnapshot.callbackRows)
    private var asOf: Double?
    private var open: [Open] = []
    /// The chains in flight that wait on another Deferred, by file and id: the id they wait on.
    private var waits: [ChainFamily.Key: Int] = [:]
    private var warnings: [TopSnapshot.WarningKind: Tally] = [:]
    /// The chains the monitor said were in a wait cycle (counted once, whoever found it).
    private var reportedCycles = Set<Int>()
    private var recentlyEnded = RecentlyEnded(retain: TopSnapshot.defaultRetain, limit: TopSnapshot.endedRows)

    /// Whether memory stays bounded however many chains are added (``SummaryAccumulator/bounded``): for a log
    /// followed without end. Set it before adding a chain.
    public var bounded: Bool {
        get { summary.bounded }
        set { summary.bounded = newValue }
    }

    /// How long an ended chain stays listed after it ends, seconds (``TopSnapshot/retain``; 0: none is).
    public var retain: Double {
        get { recentlyEnded.retain }
        set { recentlyEnded.retain = newValue }
    }

    /// A chain in flight, before the moment shown is known.
    private struct Open: Sendable {
        var ordinal: Int
        var row: TopSnapshot.Row
        var file: String
        var start: Double?
        var runs: [(start: Double?, end: Double?)]
        var openRunStart: Double?
        /// The Deferreds it awaits, was returned or chained to: the chains folded under it when they are in flight.
        var below: [Int]
    }

    /// How many of one kind, and the first chains behind it in log order.
    private struct Tally: Sendable {
        var count = 0
        var chains: [(ordinal: Int, title: String)] = []

        mutating func add(_ n: Int = 1, ordinal: Int, title: String) {
            count += n
            if chains.last?.ordinal == ordinal { return }
            guard chains.count < TopSnapshot.Warning.listed || ordinal < chains[chains.count - 1].ordinal else { return }
            let at = chains.firstIndex { $0.ordinal > ordinal } ?? chains.count
            chains.insert((ordinal, title), at: at)
            if chains.count > TopSnapshot.Warning.listed { chains.removeLast() }
        }
    }

    /// Creates an empty accumulator.
    public init(thresholds: TopSnapshot.Thresholds = TopSnapshot.Thresholds()) {
        self.thresholds = thresholds
    }

    /// Adds a chain that ended, without building it: a task of the plainest shape (see
    /// ``LogLoader/snapshot(_:thresholds:)``). Its figures count as the built chain's would.
    mutating func add(_ chain: ChainFigures, ordinal: Int) {
        summary.add(chain, ordinal: ordinal)
        if let end = chain.end, end.isFinite { asOf = max(asOf ?? end, end) }
        guard chain.lostEvents == nil else { return }
        noteEnded(chain, ordinal: ordinal)
        noteWarnings(
            chain.title, ordinal: ordinal, blocked: chain.callbacks.lazy.map(\.duration),
            inWaitCycle: chain.inWaitCycle, unhandled: chain.outcome == "unhandled")
    }

    /// Lists a chain that ended (not a lone message, not one still open) among the recently ended.
    private mutating func noteEnded(_ chain: ChainFigures, ordinal: Int) {
        guard chain.status != "message", !ChainOutcome.openNames.contains(chain.outcome), let end = chain.end else {
            return
        }
        let row = TopSnapshot.EndedRow(
            task: chain.id, title: chain.title, deferredID: chain.deferredID, outcome: chain.outcome, start: chain.start,
            end: end, running: chain.isDeferred ? chain.runningTime : chain.start.map { max(0, end - $0) } ?? 0,
            pairsRun: chain.pairsRun, pairsAdded: chain.pairsAdded,
            location: "\(chain.file):\(chain.line.map(String.init) ?? "?")")
        recentlyEnded.add(row, ordinal: ordinal, asOf: asOf)
    }

    /// Notes the warnings any chain may have, ended or not: its runs that took `thresholds.blocked` or longer (of
    /// `durations`; a run still going, `nil`, is judged when the moment shown is known), a wait cycle the monitor
    /// reported, an unhandled error.
    private mutating func noteWarnings(
        _ title: String, ordinal: Int, blocked durations: some Sequence<Double?>, inWaitCycle: Bool, unhandled: Bool
    ) {
        let blocked = durations.reduce(0) { $0 + ($1.map { $0 >= thresholds.blocked } == true ? 1 : 0) }
        if blocked > 0 { warnings[.blocked, default: Tally()].add(blocked, ordinal: ordinal, title: title) }
        if inWaitCycle {
            warnings[.cycle, default: Tally()].add(ordinal: ordinal, title: title)
            reportedCycles.insert(ordinal)
        }
        if unhandled { warnings[.unhandled, default: Tally()].add(ordinal: ordinal, title: title) }
    }

    /// Adds one chain, with its place among the log's chains in order of first message.
    public mutating func add(_ chain: Chain, ordinal: Int) {
        let figures = ChainFigures(chain)
        summary.add(figures, ordinal: ordinal)
        for time in [chain.end, chain.lastEventTime] {
            if let time, time.isFinite { asOf = max(asOf ?? time, time) }
        }
        guard !chain.isDropMarker else { return }
        noteEnded(figures, ordinal: ordinal)
        let title = chain.title
        var unhandled = false
        if case .unhandled = chain.outcome { unhandled = true }
        noteWarnings(
            title, ordinal: ordinal, blocked: chain.runs.lazy.map(\.duration), inWaitCycle: chain.waitCycle != nil,
            unhandled: unhandled)
        guard chain.outcome.isOpen && chain.outcome != .message else { return }
        let openWait = chain.waits.last { $0.start != nil && $0.end == nil }
        if let id = chain.deferredID, let on = openWait?.on { waits[ChainFamily.Key(file: chain.file, id: id)] = on }
        let openRun = chain.runs.last { $0.start != nil && $0.end == nil }
        // An Eliot action task in flight is running its innermost open action (it has no callbacks to fire).
        let openAction = chain.isDeferred ? nil : chain.spans.last { $0.isOpen }?.name ?? chain.label
        let state: TopSnapshot.State =
            if openRun != nil || openAction != nil {
                .running
            } else if openWait != nil { .waiting } else if chain.cancelled {
                .cancelled
            } else if chain.firedAt == nil && chain.runs.isEmpty {
                chain.cutAt == nil ? .notFired : .cut
            } else { .pending }
        var last = chain.start
        func note(_ time: Double?) { if let time, time.isFinite { last = max(last ?? time, time) } }
        note(chain.firedAt)
        note(chain.cancelledAt)
        for run in chain.runs {
            note(run.start)
            note(run.end)
        }
        for wait in chain.waits {
            note(wait.start)
            note(wait.end)
        }
        let row = TopSnapshot.Row(
            task: chain.id, title: title, deferredID: chain.deferredID, state: state,
            callback: state == .running ? openRun?.name ?? openAction : nil, waitingOn: state == .waiting ? openWait?.on : nil,
            stuckOn: nil, age: 0, running: 0, pairsRun: chain.pairs.filter { $0.run != nil }.count,
            pairsAdded: chain.pairs.count, lastEvent: last,
            location: "\(chain.file):\(chain.line.map(String.init) ?? "?")", createdAt: chain.createdAt,
            chain: keepsChains ? chain : nil)
        open.append(
            Open(
                ordinal: ordinal, row: row, file: chain.file, start: chain.start,
                runs: chain.isDeferred ? chain.runs.map { ($0.start, $0.end) } : [(chain.start, nil)],
                openRunStart: openRun?.start,
                below: chain.links.compactMap { $0.kind == .contains ? nil : $0.target }))
    }

    /// The snapshot of the chains added so far.
    ///
    /// - Parameters:
    ///   - inputs: The input names.
    ///   - messages: Messages read.
    ///   - warnings: Warnings found while reading.
    ///   - latest: The log's latest timestamp (``TrackedLog/latestTimestamp``), when a message that makes no chain
    ///     (a format header) came after the chains' last events.
    public func snapshot(inputs: [String], messages: Int, warnings readingWarnings: Int, latest: Double? = nil)
        -> TopSnapshot
    {
        var asOf = self.asOf
        if let latest, latest.isFinite { asOf = max(asOf ?? latest, latest) }
        let now = asOf ?? 0
        var tallies = warnings
        var rows: [TopSnapshot.Row] = []
        rows.reserveCapacity(open.count)
        let open = self.open.sorted { $0.ordinal < $1.ordinal }
        var stuck = StuckOn(waits: waits)
        for chain in open {
            var row = chain.row
            row.age = max(0, now - (chain.start ?? now))
            row.running = IntervalUnion.total(of: chain.runs.lazy.map { ($0.start, $0.end ?? ($0.start == nil ? nil : now)) })
            if let start = chain.openRunStart, now - start >= thresholds.blocked {
                tallies[.blocked, default: Tally()].add(ordinal: chain.ordinal, title: row.title)
            }
            if row.age >= thresholds.pending {
                tallies[.pending, default: Tally()].add(ordinal: chain.ordinal, title: row.title)
            }
            row.stuckOn = row.waitingOn.flatMap { stuck.innermost(ChainFamily.Key(file: chain.file, id: $0)) }
            rows.append(row)
        }
        // Wait cycles among the chains in flight, found here: the monitor says so only when it stops. Each chain
        // waits on one Deferred at most, so following the waits finds every cycle in one pass.
        var inCycle = Set<ChainFamily.Key>()
        var done = Set<ChainFamily.Key>()
        for chain in open {
            guard let id = chain.row.deferredID else { continue }
            var path: [ChainFamily.Key] = []
            var onPath = Set<ChainFamily.Key>()
            var key = ChainFamily.Key(file: chain.file, id: id)
            while !done.contains(key) {
                guard onPath.insert(key).inserted else {
                    // Back on this walk's own path: from there on, it is a cycle.
                    inCycle.formUnion(path[path.firstIndex(of: key)!...])
                    break
                }
                path.append(key)
                guard let next = waits[key] else { break }
                key = ChainFamily.Key(file: chain.file, id: next)
            }
            done.formUnion(path)
        }
        for chain in open where !reportedCycles.contains(chain.ordinal) {
            guard let id = chain.row.deferredID, inCycle.contains(ChainFamily.Key(file: chain.file, id: id)) else {
                continue
            }
            tallies[.cycle, default: Tally()].add(ordinal: chain.ordinal, title: chain.row.title)
        }
        // Oldest first; as old, in log order; then in families.
        let order = rows.indices.sorted { a, b in rows[a].age != rows[b].age ? rows[a].age > rows[b].age : a < b }
        rows = Self.families(order.map { rows[$0] }, below: order.map { open[$0].below }, files: order.map { open[$0].file })
        let counts = summary.summary(inputs: inputs, messages: messages, warnings: readingWarnings)
        if counts.lostEvents > 0 { tallies[.dropped] = Tally(count: counts.lostEvents, chains: []) }
        let listed = TopSnapshot.WarningKind.allCases.compactMap { kind -> TopSnapshot.Warning? in
            guard let tally = tallies[kind], tally.count > 0 else { return nil }
            let threshold: Double? =
                switch kind {
                case .blocked: thresholds.blocked
                case .pending: thresholds.pending
                default: nil
                }
            return TopSnapshot.Warning(
                kind: kind, count: tally.count, chains: tally.chains.map(\.title), threshold: threshold)
        }
        return TopSnapshot(
            inputs: inputs, asOf: asOf, thresholds: thresholds, counts: counts, inFlight: rows, warnings: listed,
            callbacks: counts.slowestCallbacks, retain: retain, ended: recentlyEnded.listed(asOf: asOf))
    }

    /// The rows in families, in the order of each family's oldest chain: its root, then the chains in flight under
    /// it, depth first, each after the chain that awaits it, was returned it or chained to it (`below`, by row). A
    /// chain under several is under the oldest; a family with no root (a wait cycle) is rooted at its oldest. Each
    /// row is placed once: linear, with a stack, however long the line of chains.
    static func families(_ rows: [TopSnapshot.Row], below: [[Int]], files: [String]) -> [TopSnapshot.Row] {
        var index: [ChainFamily.Key: Int] = [:]
        for (i, row) in rows.enumerated() {
            if let id = row.deferredID { index[ChainFamily.Key(file: files[i], id: id)] = i }
        }
        // Each row's children, and whether anything is above it.
        var children = Array(repeating: [Int](), count: rows.count)
        var parentOf = [Int?](repeating: nil, count: rows.count)
        for i in rows.indices {
            for target in below[i] {
                guard let j = index[ChainFamily.Key(file: files[i], id: target)], j != i, parentOf[j] == nil else { continue }
                parentOf[j] = i
                children[i].append(j)
            }
            children[i].sort()
        }
        var placed = Array(repeating: false, count: rows.count)
        var out: [TopSnapshot.Row] = []
        out.reserveCapacity(rows.count)
        func place(from root: Int) {
            var stack: [(row: Int, parent: Int?, depth: Int)] = [(root, nil, 0)]
            while let (i, parent, depth) = stack.popLast() {
                guard !placed[i] else { continue }
                placed[i] = true
                var row = rows[i]
                row.parent = parent.flatMap { rows[$0].deferredID }
                row.depth = depth
                out.append(row)
                for child in children[i].reversed() where !placed[child] { stack.append((child, i, depth + 1)) }
            }
        }
        // Families in the order of their oldest chain; each walked up to its root once (in a cycle, to where the
        // walk comes round), so the walks add up to one pass.
        for i in rows.indices where !placed[i] {
            var root = i
            var seen: Set<Int> = [i]
            while let parent = parentOf[root] {
                guard seen.insert(parent).inserted else {
                    // Round a wait cycle: rooted at the oldest, where the walk began.
                    root = i
                    break
                }
                root = parent
            }
            place(from: root)
        }
        return out
    }

}

/// Following the waits from a Deferred: the innermost one not itself waiting on one in flight (`nil` in or into a
/// wait cycle, which has no innermost one: the `cycle` warning says so). Each Deferred's answer is kept, and every
/// Deferred on a walk gets the walk's answer, so a line of n chains costs n steps in all, not n²; a loop, not
/// recursion.
private struct StuckOn {
    let waits: [ChainFamily.Key: Int]
    private var known: [ChainFamily.Key: Int?] = [:]

    init(waits: [ChainFamily.Key: Int]) {
        self.waits = waits
    }

    mutating func innermost(_ start: ChainFamily.Key) -> Int? {
        var path: [ChainFamily.Key] = []
        var onPath = Set<ChainFamily.Key>()
        var key = start
        var answer: Int??
        while answer == nil {
            if let found = known[key] {
                answer = found
            } else if !onPath.insert(key).inserted {
                answer = .some(nil)
            } else {
                path.append(key)
                if let next = waits[key] { key = ChainFamily.Key(file: key.file, id: next) } else { answer = key.id }
            }
        }
        for visited in path { known[visited] = answer! }
        return answer!
    }
}
