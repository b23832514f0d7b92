import EventLog

/// One chain as drawn: a tracked Deferred with its callback/errback ladder, runs, waits and links, or any
/// other Eliot task as an action tree.
public struct Chain: Sendable, Hashable {
    /// The task's `task_uuid` (`deferred:<id>` for the original Reactor Track format).
    public var id: String
    /// What the chain was built from.
    public var kind: ChainKind
    /// The label: the Deferred's label, or the root action or message type.
    public var label: String
    /// The monitor's `deferred_id`.
    public var deferredID: Int?
    /// Where the Deferred was created (`File.swift:12`).
    public var createdAt: String?
    /// Where `track` was called, for a Deferred made before the monitor existed (its creation site unknown).
    public var trackedAt: String?
    /// `user` or `chained`.
    public var trackedBy: String?
    /// How it ended.
    public var outcome: ChainOutcome
    /// The first timestamp, Unix seconds.
    public var start: Double?
    /// The end message's timestamp, or the last timestamp seen when the chain is open.
    public var end: Double?
    /// When the Deferred fired.
    public var firedAt: Double?
    /// The path it fired on.
    public var firedSide: LadderSide?
    /// What it fired with.
    public var firedValue: String?
    /// The final result's short description.
    public var result: String?
    /// The callback/errback pairs (deferreds only), in the order added.
    public var pairs: [LadderPair]
    /// Runs that belong to no added pair (the original format without `attached` records).
    public var extraRuns: [ChainRun]
    /// Waits on other Deferreds.
    public var waits: [ChainWait]
    /// Links to other chains.
    public var links: [ChainLink]
    /// Whether `cancel()` was called.
    public var cancelled: Bool
    /// When `cancel()` was called on it (a timeout cancels too).
    public var cancelledAt: Double?
    /// The Deferred ids of the wait cycle it is stuck in, from it round to it again, when the monitor found one.
    public var waitCycle: [Int]?
    /// In a flight record, for a chain tracked before the record began: the time (Unix seconds) up to which its
    /// events are not in the record (`cut_at`). Such a chain's task is never complete.
    public var cutAt: Double?
    /// Rows of an action tree (action and message chains).
    public var spans: [ActionSpan]
    /// The file the chain was read from.
    public var file: String
    /// The line of its first message.
    public var line: Int?
    /// What eliot.parse would say of the task (status, completeness, failed and open actions); `nil` for the
    /// original Reactor Track format, which has no tasks.
    public var facts: TaskFacts?
    /// Whether a message read before this chain was handed out links to it (all of the log, unless streaming),
    /// so that a stream of families holds it for the chain that links to it, perhaps not yet complete.
    public var isLinkTarget = false
    /// What the reader worked out rather than read (the original Reactor Track format), in declaration order;
    /// empty when the log recorded everything shown.
    public var inferred: [Inference]
    /// When this "chain" is the monitor's `reactortrack:dropped` marker, the number of events it says were
    /// dropped: a warning about the log, not a chain of the program.
    public var droppedEvents: Int?

    /// Creates a chain.
    public init(
        id: String, kind: ChainKind, label: String, deferredID: Int? = nil, createdAt: String? = nil,
        trackedBy: String? = nil, trackedAt: String? = nil, outcome: ChainOutcome, start: Double?, end: Double?, firedAt: Double? = nil,
        firedSide: LadderSide? = nil, firedValue: String? = nil, result: String? = nil, pairs: [LadderPair] = [],
        extraRuns: [ChainRun] = [], waits: [ChainWait] = [], links: [ChainLink] = [], cancelled: Bool = false,
        cancelledAt: Double? = nil,
        spans: [ActionSpan] = [], file: String, line: Int?, facts: TaskFacts? = nil, inferred: [Inference] = [],
        droppedEvents: Int? = nil
    ) {
        self.id = id
        self.kind = kind
        self.label = label
        self.deferredID = deferredID
        self.createdAt = createdAt
        self.trackedBy = trackedBy
        self.trackedAt = trackedAt
        self.outcome = outcome
        self.start = start
        self.end = end
        self.firedAt = firedAt
        self.firedSide = firedSide
        self.firedValue = firedValue
        self.result = result
        self.pairs = pairs
        self.extraRuns = extraRuns
        self.waits = waits
        self.links = links
        self.cancelled = cancelled
        self.cancelledAt = cancelledAt
        self.spans = spans
        self.file = file
        self.line = line
        self.facts = facts
        self.inferred = inferred
        self.droppedEvents = droppedEvents
    }

    /// Whether the chain is complete: the task by eliot.parse's rule, or (the original format) not open.
    public var isComplete: Bool { facts?.complete ?? !outcome.isOpen }

    /// Whether the chain is the monitor's marker of dropped events (see ``droppedEvents``).
    public var isDropMarker: Bool { droppedEvents != nil }

    /// Whether the chain is a Deferred (ours or the original format's).
    public var isDeferred: Bool { kind == .deferred || kind == .legacy }

    /// The time of the chain's last event: its end, or a later message or action of its task (an incomplete
    /// task runs on past its root's end).
    public var lastEventTime: Double? {
        var last = end
        for span in spans {
            if let t = span.start { last = max(last ?? t, t) }
            if let t = span.end { last = max(last ?? t, t) }
        }
        return last
    }

    /// End minus start.
    public var duration: Double {
        guard let start, let end else { return 0 }
        return max(0, end - start)
    }

    /// Every run: those of the pairs, then the extra ones.
    public var runs: [ChainRun] { pairs.compactMap(\.run) + extraRuns }

    /// The run that turned the cancellation into another failure (a timeout's `TimeoutError`): it got the
    /// `CancelledError` and raised something else.
    public var cancellationConverter: ChainRun? {
        guard cancelled else { return nil }
        return runs.first { run in
            (run.input?.hasPrefix("CancelledError") ?? false) && run.failed
                && ChainOutcome.shortType(run.exception ?? "") != "CancelledError"
        }
    }

    /// Whether anything raised on the way: it ended failed, unhandled or recovered, or (not yet ended) was fired
    /// with a failure or had a run that raised. What `--errors` selects.
    public var raised: Bool {
        outcome.raised || firedSide == .errback || runs.contains(where: \.failed)
            || spans.contains { $0.status == "failed" }
    }

    /// Time spent in callbacks: the union of the runs' intervals, so time in a run that contains another counts
    /// once (for action trees, the root's duration).
    public var runningTime: Double {
        if isDeferred { return IntervalUnion.total(of: runs.lazy.map { ($0.start, $0.end) }) }
        return duration
    }

    /// Time spent waiting on other Deferreds.
    public var waitingTime: Double {
        waits.reduce(0) { total, wait in
            guard let start = wait.start else { return total }
            return total + max(0, (wait.end ?? end ?? start) - start)
        }
    }

    /// A display name with the Deferred's id: `fetch #12`. A label that has a `#` of its own reads naturally
    /// instead of repeating it: a chain the monitor followed, labelled by its link (`returned to loadConfig #1`),
    /// is `Deferred #6, returned to loadConfig #1`, and any other such label is `request #3 (Deferred #7)`.
    public var title: String { Self.title(label: label, deferredID: deferredID, trackedBy: trackedBy) }

    /// The title of a chain with this label, Deferred id and `tracked_by` (see ``title``).
    static func title(label: String, deferredID: Int?, trackedBy: String?) -> String {
        guard let deferredID else { return label }
        guard label.contains("#") else { return "\(label) #\(deferredID)" }
        if trackedBy == MonitorVocabulary.TrackedBy.chained.rawValue { return "Deferred #\(deferredID), \(label)" }
        return "\(label) (Deferred #\(deferredID))"
    }

    /// The signature that makes chains "identical" for grouping in the overview.
    public var signature: String {
        var parts = [kind.rawValue, label, outcome.name, outcome.exception ?? ""]
        if isDeferred {
            parts += pairs.map { "\($0.callback ?? "-")|\($0.errback ?? "-")|\($0.run?.side.rawValue ?? "")" }
        } else {
            parts += spans.map { "\($0.depth)\($0.name)" }
        }
        return parts.joined(separator: "\u{1}")
    }
}
