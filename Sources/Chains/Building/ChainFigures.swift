import EventLog

/// What a summary and a selection (all but `--slowest`) look at in one chain, made from a ``Chain`` or, without
/// building one, from a ``EventLog/BriefTask`` (with the same numbers, added up in the same order).
struct ChainFigures {
    /// One run of a deferred chain, or one action below the root of an action tree.
    struct Run {
        var name: String
        var start: Double?
        var end: Double?
        var failed: Bool

        /// End minus start; `nil` for a run that never ended.
        var duration: Double? {
            guard let start, let end else { return nil }
            return max(0, end - start)
        }
    }

    var id: String
    var label: String
    var deferredID: Int?
    var outcome: String
    var isFailure: Bool
    /// Whether anything raised on the way (failed, unhandled or recovered): what `--errors` selects.
    var raised: Bool
    var start: Double?
    var end: Double?
    var isDeferred: Bool
    /// Whether the task is complete (eliot.parse's rule); only complete chains have a duration in the figures.
    var complete: Bool
    /// The root's status as eliot.parse names it: `succeeded`, `failed`, `started`, or `message` (no status).
    var status: String
    /// Failed actions anywhere in the task (runs that threw, and the root when it failed).
    var failedActions: Int
    /// `eliot:traceback` messages in the task.
    var tracebacks: Int
    /// The task's facts in full: always from a chain, and from a brief task when asked for.
    var facts: TaskFacts?
    /// The union of the runs' intervals (deferred chains only): nested or overlapping runs count once.
    var runningTime: Double
    var waitingTime: Double
    /// The runs of a deferred chain, or the actions below the root of an action tree, in the order summed.
    var callbacks: [Run]
    /// Pairs that ran, and pairs added (deferred chains; 0 for an action tree).
    var pairsRun = 0
    var pairsAdded = 0
    var file: String
    var line: Int?
    /// For the monitor's `reactortrack:dropped` marker: how many events it says were lost. Such a task is no
    /// chain: summaries report its count as lost events.
    var lostEvents: Int?
    /// Whether the monitor said the chain is in a wait cycle (`reactortrack:wait_cycle`).
    var inWaitCycle = false
    /// For the overview (when asked for; `nil` otherwise): the outcome with its exception and reason (``outcome``
    /// is its name), and ``Chain/signature``, which it groups by.
    var fullOutcome: ChainOutcome?
    var signature: String?

    /// As ``Chain/title``.
    var title: String { Chain.title(label: label, deferredID: deferredID, trackedBy: trackedBy) }
    /// Who tracked the chain (`tracked_by`), for its title.
    var trackedBy: String?

    /// End minus start, for a complete chain; `nil` for one that is not, and for a lone message (no duration).
    var duration: Double? {
        guard complete, status != "message", let start, let end else { return nil }
        return max(0, end - start)
    }

    init(_ chain: Chain, overview: Bool = false) {
        signature = overview ? chain.signature : nil
        fullOutcome = overview ? chain.outcome : nil
        id = chain.id
        label = chain.label
        deferredID = chain.deferredID
        trackedBy = chain.trackedBy
        outcome = chain.outcome.name
        isFailure = chain.outcome.isFailure
        raised = chain.raised
        start = chain.start
        end = chain.end
        isDeferred = chain.isDeferred
        complete = chain.isComplete
        facts = chain.facts
        if let facts {
            status = facts.status?.rawValue ?? "message"
            failedActions = facts.failedActions.count
            tracebacks = facts.tracebackMessages
        } else {
            status = chain.outcome.isOpen ? "started" : "succeeded"
            failedActions = chain.runs.filter(\.failed).count
            tracebacks = 0
        }
        runningTime = chain.isDeferred ? chain.runningTime : 0
        waitingTime = chain.waitingTime
        if chain.isDeferred {
            callbacks = chain.runs.map { Run(name: $0.name, start: $0.start, end: $0.end, failed: $0.failed) }
        } else {
            // An action's steps; a chain tracked inside it is a chain of its own, with its own callbacks.
            callbacks = chain.spans.lazy.filter { $0.kind == .action && $0.depth > 0 && $0.chainDeferredID == nil }.map {
                Run(name: $0.name, start: $0.start, end: $0.end, failed: $0.status == "failed")
            }
        }
        pairsAdded = chain.pairs.count
        pairsRun = chain.pairs.lazy.filter { $0.run != nil }.count
        file = chain.file
        line = chain.line
        lostEvents = chain.droppedEvents
        inWaitCycle = chain.waitCycle != nil
    }

    /// The fields of a ``EventLog/BriefTaskGrouper`` that ``init(brief:locate:)`` reads, by their place in
    /// ``briefFields``.
    enum BriefField: Int, CaseIterable {
        case deferredID, label, index, name, on, from, path, count, trackedBy, exception, reason, cycle
        /// Read only for the overview's signature (``overviewBriefFields``), last so that the summary's list leaves
        /// them out.
        case callback, errback

        /// The field's key in the log.
        var key: String {
            switch self {
            case .deferredID: F.deferredID
            case .label: F.label
            case .index: F.index
            case .name: F.name
            case .on: F.on
            case .from: F.from
            case .path: F.path
            case .count: F.count
            case .trackedBy: F.trackedBy
            case .exception: EventMessage.Key.exception
            case .reason: EventMessage.Key.reason
            case .cycle: F.cycle
            case .callback: F.callback
            case .errback: F.errback
            }
        }
    }

    /// The keys of ``BriefField`` a summary reads, in their order: what a ``EventLog/BriefTaskGrouper`` keeps.
    static let briefFields = BriefField.allCases.filter { $0.rawValue < BriefField.callback.rawValue }.map(\.key)
    /// All the keys of ``BriefField``: the summary's and those of the overview's signature.
    static let overviewBriefFields = BriefField.allCases.map(\.key)
    private typealias F = MonitorVocabulary.Field

    /// The figures of the chain ``ChainBuilder`` makes of the task (a `reactortrack:deferred` root, or a lone
    /// message); `nil` for a format header, which makes no chain. ``facts`` is left `nil`: a summary that lists
    /// them sets it to ``TaskFacts/init(brief:)``.
    init?(brief task: BriefTask, locate: (Int?) -> (file: String, line: Int?)) {
        let first = task.first
        let place = locate(first.line)
        id = task.taskUUID
        file = place.file
        line = place.line
        start = first.timestamp
        // A brief task is complete by construction: every slot present, every action ended.
        complete = true
        facts = nil
        guard let rootEnd = task.rootEnd else {
            if first.type == EventLogFormat.headerMessageType { return nil }
            label = first.type ?? "<message>"
            outcome = ChainOutcome.message.name
            isFailure = false
            raised = false
            status = "message"
            failedActions = 0
            tracebacks = first.type == EventLogFormat.tracebackMessageType ? 1 : 0
            end = first.timestamp
            isDeferred = false
            runningTime = 0
            waitingTime = 0
            callbacks = []
            if first.type == MonitorVocabulary.Message.dropped.rawValue {
                lostEvents = max(0, task.value(BriefField.count.rawValue, of: first).intValue ?? 0)
            }
            return
        }
        func value(_ field: BriefField, _ message: BriefMessage) -> BriefValue { task.value(field.rawValue, of: message) }
        deferredID = value(.deferredID, first).intValue
        trackedBy = value(.trackedBy, first).stringValue
        label = value(.label, first).stringValue ?? deferredID.map { "Deferred #\($0)" } ?? "Deferred"
        end = rootEnd.timestamp
        isDeferred = true
        // As ChainBuilder.deferredChain: pairs by index (an `added` replaces the pair, run and all), waits.
        // Each pair's place is looked up, not searched for (a chain of many pairs was quadratic), and the highest
        // index is kept as it goes (a format without indexes numbers the next pair after it).
        var pairs: [(index: Int, run: Run?)] = []
        pairs.reserveCapacity(task.children.count)
        var pairAt: [Int: Int] = [:]
        var maxIndex: Int?
        func set(_ index: Int, _ run: Run?) {
            if let i = pairAt[index] {
                pairs[i].run = run
            } else {
                pairAt[index] = pairs.count
                pairs.append((index, run))
                maxIndex = max(maxIndex ?? index, index)
            }
        }
        var extraRuns: [Run] = []
        var waits: [(on: Int?, start: Double, end: Double?)] = []
        var unhandled = false
        // A chain fired with a failure, or a wait resumed with one (`path` error), raised on the way.
        var failurePassed = false
        var failedRuns = 0
        var tracebackMessages = 0
        for child in task.children {
            switch child {
            case .message(let m):
                // Compared with each type in turn, most frequent first (cheaper than the enum's own look-up).
                typealias M = MonitorVocabulary.Message
                switch m.type ?? "" {
                case M.added.rawValue:
                    let index = value(.index, m).intValue ?? (maxIndex.map { $0.addingSaturating(1) } ?? 0)
                    set(index, nil)
                case M.fired.rawValue:
                    if value(.path, m).stringValue == MonitorVocabulary.Path.error.rawValue { failurePassed = true }
                case M.waiting.rawValue:
                    waits.append((value(.on, m).intValue, m.timestamp, nil))
                case M.resumed.rawValue:
                    let from = value(.from, m).intValue
                    if let i = waits.lastIndex(where: { $0.end == nil && ($0.on == from || from == nil) }) {
                        waits[i].end = m.timestamp
                    }
                    if value(.path, m).stringValue == MonitorVocabulary.Path.error.rawValue { failurePassed = true }
                case M.unhandledError.rawValue:
                    unhandled = true
                case M.waitCycle.rawValue:
                    // As ChainBuilder: a cycle is said by an array of ids.
                    if value(.cycle, m) == .array { inWaitCycle = true }
                default:
                    if m.type == EventLogFormat.tracebackMessageType { tracebackMessages += 1 }
                }
            case .action(let s, let e):
                if e.status == .failed { failedRuns += 1 }
                guard s.type == MonitorVocabulary.runAction else { continue }
                let run = Run(
                    name: value(.name, s).stringValue ?? "<callback>", start: s.timestamp, end: e.timestamp,
                    failed: e.status == .failed)
                if let index = value(.index, s).intValue { set(index, run) } else { extraRuns.append(run) }
            }
        }
        pairs.sort { $0.index < $1.index }
        callbacks = pairs.compactMap(\.run) + extraRuns
        pairsAdded = pairs.count
        pairsRun = callbacks.count - extraRuns.count
        runningTime = IntervalUnion.total(of: callbacks.lazy.map { ($0.start, $0.end) })
        let chainEnd = rootEnd.timestamp
        waitingTime = waits.reduce(0) { total, wait in total + max(0, (wait.end ?? chainEnd) - wait.start) }
        status = rootEnd.status?.rawValue ?? "succeeded"
        failedActions = failedRuns + (rootEnd.status == .failed ? 1 : 0)
        tracebacks = tracebackMessages
        if unhandled {
            outcome = "unhandled"
            isFailure = true
        } else if rootEnd.status == .failed {
            outcome = "failed"
            isFailure = true
        } else if failedRuns > 0 || failurePassed {
            outcome = "recovered"
            isFailure = false
        } else {
            outcome = "succeeded"
            isFailure = false
        }
        raised = isFailure || outcome == "recovered"
    }

    /// Works out ``fullOutcome`` and ``signature`` of a brief task's figures (read with ``overviewBriefFields``),
    /// as ChainBuilder and ``Chain/signature`` make them: a second walk over the task, so that the summary's
    /// (``init(brief:locate:)``) stays as cheap as it was.
    mutating func addOverview(of task: BriefTask) {
        func value(_ field: BriefField, _ message: BriefMessage) -> BriefValue { task.value(field.rawValue, of: message) }
        func isError(_ message: BriefMessage) -> Bool {
            value(.path, message).stringValue == MonitorVocabulary.Path.error.rawValue
        }
        func failure(_ message: BriefMessage) -> (exception: String, reason: String) {
            (value(.exception, message).stringValue ?? "?", value(.reason, message).stringValue ?? "")
        }
        guard let rootEnd = task.rootEnd else {
            // A lone message: one span, its type.
            fullOutcome = .message
            signature = Self.signature(kind: .message, label: label, outcome: .message, parts: ["0" + label])
            return
        }
        // Pairs by index, as ChainBuilder: an `added` replaces the pair (names and run); a run names the pair on
        // its side when the pair has no name there.
        var pairs: [(index: Int, callback: String?, errback: String?, side: LadderSide?)] = []
        var pairAt: [Int: Int] = [:]
        var maxIndex: Int?
        func place(_ index: Int) -> Int {
            if let i = pairAt[index] { return i }
            pairAt[index] = pairs.count
            pairs.append((index, nil, nil, nil))
            maxIndex = max(maxIndex ?? index, index)
            return pairs.count - 1
        }
        // The last failure on the way: what a recovered chain recovered from.
        var lastFailure: (exception: String, reason: String)?
        var unhandled: (exception: String, reason: String)?
        for child in task.children {
            switch child {
            case .message(let m):
                typealias M = MonitorVocabulary.Message
                switch m.type ?? "" {
                case M.added.rawValue:
                    let index = value(.index, m).intValue ?? (maxIndex.map { $0.addingSaturating(1) } ?? 0)
                    let i = place(index)
                    pairs[i] = (index, value(.callback, m).stringValue, value(.errback, m).stringValue, nil)
                case M.fired.rawValue, M.resumed.rawValue:
                    if isError(m) { lastFailure = failure(m) }
                case M.unhandledError.rawValue:
                    unhandled = failure(m)
                default:
                    break
                }
            case .action(let s, let e):
                guard s.type == MonitorVocabulary.runAction else { continue }
                if e.status == .failed { lastFailure = failure(e) }
                guard let index = value(.index, s).intValue else { continue }
                let i = place(index)
                let name = value(.name, s).stringValue ?? "<callback>"
                let side: LadderSide = isError(s) ? .errback : .callback
                if side == .callback, pairs[i].callback == nil { pairs[i].callback = name }
                if side == .errback, pairs[i].errback == nil { pairs[i].errback = name }
                pairs[i].side = side
            }
        }
        let full: ChainOutcome
        switch outcome {
        case "unhandled": full = .unhandled(exception: unhandled?.exception ?? "?", reason: unhandled?.reason ?? "")
        case "failed": full = .failed(exception: failure(rootEnd).exception, reason: failure(rootEnd).reason)
        case "recovered": full = .recovered(exception: lastFailure?.exception ?? "?", reason: lastFailure?.reason ?? "")
        default: full = .succeeded
        }
        fullOutcome = full
        pairs.sort { $0.index < $1.index }
        signature = Self.signature(
            kind: .deferred, label: label, outcome: full,
            parts: pairs.map { "\($0.callback ?? "-")|\($0.errback ?? "-")|\($0.side?.rawValue ?? "")" })
    }

    /// ``Chain/signature`` of a chain of this kind, label and outcome, with its pairs' or spans' parts.
    static func signature(kind: ChainKind, label: String, outcome: ChainOutcome, parts: [String]) -> String {
        ([kind.rawValue, label, outcome.name, outcome.exception ?? ""] + parts).joined(separator: "\u{1}")
    }
}
