import EventLog

/// What `reactortrack top` shows of a log at one moment: the chains still in flight with what each is doing, the
/// warnings a developer acts on, and the log's counts, which are exactly `summary --json`'s (the same
/// ``SummaryAccumulator`` adds the same chains). `--json` writes it in schema ``schema`` (`docs/cli.md`).
///
/// The moment is the log's last event (``asOf``): a finished log is shown as it ended, and a growing one as far
/// as it is written. Ages are measured to it, not to the clock of the machine reading the log.
public struct TopSnapshot: Sendable, Hashable, Encodable {
    /// The version of the JSON this type writes.
    public static let schema = 1

    /// When a chain is worth a warning.
    public struct Thresholds: Sendable, Hashable {
        /// A callback that held its thread this long (seconds) blocked it: in Twisted's terms, the reactor.
        public var blocked: Double
        /// A chain still in flight this long (seconds) after it began is pending too long.
        public var pending: Double

        /// The defaults: 100 ms and 30 s.
        public init(blocked: Double = 0.1, pending: Double = 30) {
            self.blocked = blocked
            self.pending = pending
        }
    }

    /// What a chain in flight is doing.
    public enum State: String, Sendable, Hashable, Encodable, CaseIterable {
        /// A callback is running (it started and has not ended).
        case running
        /// It waits on another Deferred.
        case waiting
        /// Nothing fired it yet.
        case notFired = "not fired"
        /// `cancel()` was called and the chain has not ended.
        case cancelled
        /// Fired, nothing running or awaited, not ended (paused, or its last callbacks not yet added).
        case pending
        /// Tracked before a flight record began, and nothing since says what it does.
        case cut
    }

    /// One chain in flight.
    public struct Row: Sendable, Hashable, Encodable {
        /// The task id.
        public var task: String
        /// The title (`label #id`).
        public var title: String
        /// The Deferred's id, when it is one.
        public var deferredID: Int?
        /// What it is doing.
        public var state: State
        /// The callback running, for ``State/running``.
        public var callback: String?
        /// The Deferred it waits on, for ``State/waiting``.
        public var waitingOn: Int?
        /// Following the waits from this chain, the innermost Deferred that has not fired: what it is stuck on
        /// (`nil` when it waits on nothing, or the wait leaves the log).
        public var stuckOn: Int?
        /// Seconds from its first event to ``TopSnapshot/asOf``.
        public var age: Double
        /// Seconds in its callbacks (the union of the runs' intervals; a run still going counts to `asOf`).
        public var running: Double
        /// Pairs that ran, and pairs added.
        public var pairsRun: Int
        public var pairsAdded: Int
        /// The time of its last event, Unix seconds.
        public var lastEvent: Double?
        /// Where it starts: `file:line`.
        public var location: String
        /// Where the Deferred was created (`File.swift:12`), when the log says.
        public var createdAt: String?
        /// The chain in flight it is folded under: the one that awaits it, was returned it or chained to it (its
        /// Deferred id; `nil` for the root of a family). Rows come in families: a root, then what is under it.
        public var parent: Int?
        /// How deep under its family's root (0: a root).
        public var depth = 0
        /// The chain itself, for a view that shows its ladder (only when ``TopAccumulator/keepsChains``; not in
        /// the JSON).
        public var chain: Chain?

        enum CodingKeys: String, CodingKey {
            case task, title, deferredID = "deferred_id", state, callback, waitingOn = "waiting_on"
            case stuckOn = "stuck_on", age, running, pairsRun = "pairs_run", pairsAdded = "pairs_added"
            case lastEvent = "last_event", location, createdAt = "created_at", parent, depth
        }

        /// Writes every key, `null` for what does not apply.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(task, forKey: .task)
            try c.encode(title, forKey: .title)
            try c.encode(deferredID, forKey: .deferredID)
            try c.encode(state, forKey: .state)
            try c.encode(callback, forKey: .callback)
            try c.encode(waitingOn, forKey: .waitingOn)
            try c.encode(stuckOn, forKey: .stuckOn)
            try c.encodeFinite(age, forKey: .age)
            try c.encodeFinite(running, forKey: .running)
            try c.encode(pairsRun, forKey: .pairsRun)
            try c.encode(pairsAdded, forKey: .pairsAdded)
            try c.encodeFinite(lastEvent, forKey: .lastEvent)
            try c.encode(location, forKey: .location)
            try c.encode(createdAt, forKey: .createdAt)
            try c.encode(parent, forKey: .parent)
            try c.encode(depth, forKey: .depth)
        }
    }

    /// A chain that ended within ``TopSnapshot/retain`` of the moment shown.
    public struct EndedRow: Sendable, Hashable, Encodable {
        /// The task id.
        public var task: String
        /// The title (`label #id`).
        public var title: String
        /// The Deferred's id, when it is one.
        public var deferredID: Int?
        /// How it ended: `succeeded`, `recovered`, `failed` or `unhandled` (``ChainOutcome/name``).
        public var outcome: String
        /// Its first event and its end, Unix seconds.
        public var start: Double?
        public var end: Double
        /// Seconds in its callbacks (the union of the runs' intervals); for an action tree, its whole life.
        public var running: Double
        /// Pairs that ran, and pairs added.
        public var pairsRun: Int
        public var pairsAdded: Int
        /// Where it starts: `file:line`.
        public var location: String

        /// End minus start: how long it lived.
        public var lifetime: Double? { start.map { max(0, end - $0) } }

        public init(
            task: String, title: String, deferredID: Int?, outcome: String, start: Double?, end: Double, running: Double,
            pairsRun: Int, pairsAdded: Int, location: String
        ) {
            self.task = task
            self.title = title
            self.deferredID = deferredID
            self.outcome = outcome
            self.start = start
            self.end = end
            self.running = running
            self.pairsRun = pairsRun
            self.pairsAdded = pairsAdded
            self.location = location
        }

        enum CodingKeys: String, CodingKey {
            case task, title, deferredID = "deferred_id", outcome, start, end, lifetime, running
            case pairsRun = "pairs_run", pairsAdded = "pairs_added", location
        }

        /// Writes every key, `null` for what does not apply.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(task, forKey: .task)
            try c.encode(title, forKey: .title)
            try c.encode(deferredID, forKey: .deferredID)
            try c.encode(outcome, forKey: .outcome)
            try c.encodeFinite(start, forKey: .start)
            try c.encodeFinite(end, forKey: .end)
            try c.encodeFinite(lifetime, forKey: .lifetime)
            try c.encodeFinite(running, forKey: .running)
            try c.encode(pairsRun, forKey: .pairsRun)
            try c.encode(pairsAdded, forKey: .pairsAdded)
            try c.encode(location, forKey: .location)
        }
    }

    /// A kind of warning, as `--fail-on` names it.
    public enum WarningKind: String, Sendable, Hashable, Encodable, CaseIterable {
        /// Callbacks that held their thread past ``Thresholds/blocked``.
        case blocked
        /// Chains in flight longer than ``Thresholds/pending``.
        case pending
        /// Chains in a wait cycle (the monitor found it).
        case cycle
        /// Chains that ended with an unhandled error.
        case unhandled
        /// Events the monitor dropped (`reactortrack:dropped`): what the log does not show.
        case dropped
    }

    /// One kind of warning: how many, and the chains behind it.
    public struct Warning: Sendable, Hashable, Encodable {
        /// The kind.
        public var kind: WarningKind
        /// Callbacks (blocked), chains (pending, cycle, unhandled) or events (dropped).
        public var count: Int
        /// The titles of the chains behind it, the first ``listed`` of them in log order.
        public var chains: [String]
        /// The threshold, seconds (blocked and pending).
        public var threshold: Double?

        /// How many chains a warning names.
        public static let listed = 20

        enum CodingKeys: String, CodingKey { case kind, count, chains, threshold }

        /// Writes every key, `threshold` `null` for the kinds that have none.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(kind, forKey: .kind)
            try c.encode(count, forKey: .count)
            try c.encode(chains, forKey: .chains)
            try c.encodeFinite(threshold, forKey: .threshold)
        }
    }

    /// The inputs.
    public var inputs: [String]
    /// The log's last event, Unix seconds: the moment shown.
    public var asOf: Double?
    /// The thresholds the warnings used.
    public var thresholds: Thresholds
    /// Chains (tasks), by outcome and status, complete, messages and lost events: `summary --json`'s counts.
    public var counts: LogSummary
    /// The chains in flight in families, oldest first: each root followed by the chains folded under it (each
    /// after its parent, oldest first among siblings).
    public var inFlight: [Row]
    /// The warnings present, in ``WarningKind`` order; kinds with nothing are left out.
    public var warnings: [Warning]
    /// The callbacks by name, across every chain read (ended or in flight), the ones that held their threads longest
    /// in all first: at most ``callbackRows``. `summary --json`'s `slowest_callbacks`, computed the same way.
    public var callbacks: [CallbackStats] = []
    /// How long an ended chain stays listed in ``ended`` after it ends, seconds (0: none is).
    public var retain: Double = TopSnapshot.defaultRetain
    /// The chains that ended within ``retain`` of ``asOf``, the latest end first: at most ``endedRows`` of them.
    /// Older ones, and any beyond that many, are retired to the counts.
    public var ended: [EndedRow] = []

    /// The most callbacks a snapshot lists.
    public static let callbackRows = 100
    /// How long an ended chain stays listed by default: 10 minutes.
    public static let defaultRetain: Double = 600
    /// The most ended chains a snapshot lists: the bound on what retention keeps, however busy the log.
    public static let endedRows = 1_000

    /// The warning of `kind`, when present.
    public func warning(_ kind: WarningKind) -> Warning? { warnings.first { $0.kind == kind } }

    enum CodingKeys: String, CodingKey {
        case schema, inputs, asOf = "as_of", thresholds, chains, outcomes, statuses, complete, incomplete, messages
        case lostEvents = "lost_events", inFlight = "in_flight", warnings, callbacks, retain, ended
    }

    /// Writes schema 1: the counts under the names `summary --json` gives them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.schema, forKey: .schema)
        try c.encode(inputs, forKey: .inputs)
        try c.encodeFinite(asOf, forKey: .asOf)
        try c.encode(["blocked": thresholds.blocked, "pending": thresholds.pending], forKey: .thresholds)
        try c.encode(counts.chains, forKey: .chains)
        try c.encode(counts.outcomes, forKey: .outcomes)
        try c.encode(counts.statuses, forKey: .statuses)
        try c.encode(counts.complete, forKey: .complete)
        try c.encode(counts.incomplete, forKey: .incomplete)
        try c.encode(counts.messages, forKey: .messages)
        try c.encode(counts.lostEvents, forKey: .lostEvents)
        try c.encode(inFlight, forKey: .inFlight)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(callbacks, forKey: .callbacks)
        try c.encodeFinite(retain, forKey: .retain)
        try c.encode(ended, forKey: .ended)
    }
}
