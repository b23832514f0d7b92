import EventLog

/// One chain as drawn: a tracked Deferred with its callback/errback ladder, runs, waits and links, or any
/// other Eliot task as an action tree.
public struct Chain: Sendable, Hashable {
    /// The task's `task_uuid` (`deferred:<id>` for the original Reactor Track format).
    public var id: String {
        get { storage.fields.id }
        _modify { yield &unique.fields.id }
    }
    /// What the chain was built from.
    public var kind: ChainKind {
        get { storage.fields.kind }
        _modify { yield &unique.fields.kind }
    }
    /// The label: the Deferred's label, or the root action or message type.
    public var label: String {
        get { storage.fields.label }
        _modify { yield &unique.fields.label }
    }
    /// The monitor's `deferred_id`.
    public var deferredID: Int? {
        get { storage.fields.deferredID }
        _modify { yield &unique.fields.deferredID }
    }
    /// Where the Deferred was created (`File.swift:12`).
    public var createdAt: String? {
        get { storage.fields.createdAt }
        _modify { yield &unique.fields.createdAt }
    }
    /// Where `track` was called, for a Deferred made before the monitor existed (its creation site unknown).
    public var trackedAt: String? {
        get { storage.fields.trackedAt }
        _modify { yield &unique.fields.trackedAt }
    }
    /// `user` or `chained`.
    public var trackedBy: String? {
        get { storage.fields.trackedBy }
        _modify { yield &unique.fields.trackedBy }
    }
    /// How it ended.
    public var outcome: ChainOutcome {
        get { storage.fields.outcome }
        _modify { yield &unique.fields.outcome }
    }
    /// The first timestamp, Unix seconds.
    public var start: Double? {
        get { storage.fields.start }
        _modify { yield &unique.fields.start }
    }
    /// The end message's timestamp, or the last timestamp seen when the chain is open.
    public var end: Double? {
        get { storage.fields.end }
        _modify { yield &unique.fields.end }
    }
    /// When the Deferred fired.
    public var firedAt: Double? {
        get { storage.fields.firedAt }
        _modify { yield &unique.fields.firedAt }
    }
    /// The path it fired on.
    public var firedSide: LadderSide? {
        get { storage.fields.firedSide }
        _modify { yield &unique.fields.firedSide }
    }
    /// What it fired with.
    public var firedValue: String? {
        get { storage.fields.firedValue }
        _modify { yield &unique.fields.firedValue }
    }
    /// The final result's short description.
    public var result: String? {
        get { storage.fields.result }
        _modify { yield &unique.fields.result }
    }
    /// The callback/errback pairs (deferreds only), in the order added.
    public var pairs: [LadderPair] {
        get { storage.fields.pairs }
        _modify { yield &unique.fields.pairs }
    }
    /// Runs that belong to no added pair (the original format without `attached` records).
    public var extraRuns: [ChainRun] {
        get { storage.fields.extraRuns }
        _modify { yield &unique.fields.extraRuns }
    }
    /// Waits on other Deferreds.
    public var waits: [ChainWait] {
        get { storage.fields.waits }
        _modify { yield &unique.fields.waits }
    }
    /// Links to other chains.
    public var links: [ChainLink] {
        get { storage.fields.links }
        _modify { yield &unique.fields.links }
    }
    /// Whether `cancel()` was called.
    public var cancelled: Bool {
        get { storage.fields.cancelled }
        _modify { yield &unique.fields.cancelled }
    }
    /// When `cancel()` was called on it (a timeout cancels too).
    public var cancelledAt: Double? {
        get { storage.fields.cancelledAt }
        _modify { yield &unique.fields.cancelledAt }
    }
    /// The Deferred ids of the wait cycle it is stuck in, from it round to it again, when the monitor found one.
    public var waitCycle: [Int]? {
        get { storage.fields.waitCycle }
        _modify { yield &unique.fields.waitCycle }
    }
    /// In a flight record, for a chain tracked before the record began: the time (Unix seconds) up to which its
    /// events are not in the record (`cut_at`). Such a chain's task is never complete.
    public var cutAt: Double? {
        get { storage.fields.cutAt }
        _modify { yield &unique.fields.cutAt }
    }
    /// Rows of an action tree (action and message chains).
    public var spans: [ActionSpan] {
        get { storage.fields.spans }
        _modify { yield &unique.fields.spans }
    }
    /// The file the chain was read from.
    public var file: String {
        get { storage.fields.file }
        _modify { yield &unique.fields.file }
    }
    /// The line of its first message.
    public var line: Int? {
        get { storage.fields.line }
        _modify { yield &unique.fields.line }
    }
    /// What eliot.parse would say of the task (status, completeness, failed and open actions); `nil` for the
    /// original Reactor Track format, which has no tasks.
    public var facts: TaskFacts? {
        get { storage.fields.facts }
        _modify { yield &unique.fields.facts }
    }
    /// Whether a message read before this chain was handed out links to it (all of the log, unless streaming),
    /// so that a stream of families holds it for the chain that links to it, perhaps not yet complete.
    public var isLinkTarget: Bool {
        get { storage.fields.isLinkTarget }
        _modify { yield &unique.fields.isLinkTarget }
    }
    /// What the reader worked out rather than read (the original Reactor Track format), in declaration order;
    /// empty when the log recorded everything shown.
    public var inferred: [Inference] {
        get { storage.fields.inferred }
        _modify { yield &unique.fields.inferred }
    }
    /// When this "chain" is the monitor's `reactortrack:dropped` marker, the number of events it says were
    /// dropped: a warning about the log, not a chain of the program.
    public var droppedEvents: Int? {
        get { storage.fields.droppedEvents }
        _modify { yield &unique.fields.droppedEvents }
    }

    /// The fields, shared by every copy of the chain until one copy changes them (copy on write). A view holds
    /// chains by the hundred thousand (a line of linked Deferreds is one family), and a copy costs one reference
    /// instead of the fields' several hundred bytes.
    private var storage: Storage

    /// The stored fields of a chain.
    private struct Fields: Hashable {
        var id: String
        var kind: ChainKind
        var label: String
        var deferredID: Int?
        var createdAt: String?
        var trackedAt: String?
        var trackedBy: String?
        var outcome: ChainOutcome
        var start: Double?
        var end: Double?
        var firedAt: Double?
        var firedSide: LadderSide?
        var firedValue: String?
        var result: String?
        var pairs: [LadderPair]
        var extraRuns: [ChainRun]
        var waits: [ChainWait]
        var links: [ChainLink]
        var cancelled: Bool
        var cancelledAt: Double?
        var waitCycle: [Int]?
        var cutAt: Double?
        var spans: [ActionSpan]
        var file: String
        var line: Int?
        var facts: TaskFacts?
        var isLinkTarget: Bool = false
        var inferred: [Inference]
        var droppedEvents: Int?
    }

    /// `@unchecked Sendable`: ``fields`` is written only through ``unique``, that is only while this chain is the
    /// one reference to the box, so a box that two copies (and perhaps two threads) share is never written.
    private final class Storage: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    /// The box, first copied if another chain shares it.
    private var unique: Storage {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
            return storage
        }
    }

    public static func == (lhs: Chain, rhs: Chain) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) { storage.fields.hash(into: &hasher) }

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
        storage = Storage(Fields(
            id: id,
            kind: kind,
            label: label,
            deferredID: deferredID,
            createdAt: createdAt,
            trackedAt: trackedAt,
            trackedBy: trackedBy,
            outcome: outcome,
            start: start,
            end: end,
            firedAt: firedAt,
            firedSide: firedSide,
            firedValue: firedValue,
            result: result,
            pairs: pairs,
            extraRuns: extraRuns,
            waits: waits,
            links: links,
            cancelled: cancelled,
            cancelledAt: cancelledAt,
            spans: spans,
            file: file,
            line: line,
            facts: facts,
            inferred: inferred,
            droppedEvents: droppedEvents))
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

    /// The time in callbacks as disjoint intervals, in time order (a Deferred's runs, merged where they overlap;
    /// none for an action tree): what `summary` adds to its union of time in callbacks for this chain.
    package var runningIntervals: [(start: Double, end: Double)] {
        guard isDeferred else { return [] }
        var union = IntervalUnion()
        for run in runs { union.add(run.start, run.end) }
        return union.intervals
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
        // An unlabelled Deferred's label is its name already.
        if label == "Deferred #\(deferredID)" { return label }
        if trackedBy == MonitorVocabulary.TrackedBy.chained.rawValue { return "Deferred #\(deferredID), \(label)" }
        return "\(label) (Deferred #\(deferredID))"
    }

    /// The signature that makes chains "identical" for grouping in the overview.
    public var signature: String {
        let parts =
            isDeferred
            ? pairs.map { "\($0.callback ?? "-")|\($0.errback ?? "-")|\($0.run?.side.rawValue ?? "")" }
            : spans.map { "\($0.depth)\($0.name)" }
        return ChainFigures.signature(kind: kind, label: label, outcome: outcome, parts: parts)
    }
}
