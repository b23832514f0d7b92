import EventLog

/// Folds chains into what the overview draws, one at a time, so that the overview of a log of any size is made
/// while the log streams past (``LogLoader/stream(_:_:)``), holding a few numbers per chain instead of the chains:
/// the summary's figures (a ``SummaryAccumulator``), and the chains grouped into rows by ``Chain/signature``.
///
/// Chains may come in any order: each carries its ordinal (its place in first-message order), and the figures are
/// those of adding the chains in that order, as the whole log gives them (rows in order of their first chain,
/// each represented by its first chain, durations in order).
public struct OverviewAccumulator: Sendable {
    /// How many of the slowest callbacks the overview lists.
    public static let slowestCallbacks = 15

    private var summary = SummaryAccumulator(top: Self.slowestCallbacks)
    /// Each group's first chain's facts, without members: a log of many distinct chains keeps little per chain.
    private var groups: [OverviewGroup] = []
    private var groupIndex: [String: Int] = [:]
    /// Every chain's numbers in one array (not an array per group), with its group's index.
    private var members: [(group: Int, member: OverviewGroup.Member)] = []
    /// Whether every chain so far came after the one before it in first-message order.
    private var inOrder = true
    private var lastOrdinal = Int.min
    private var logStart: Double?
    private var latestEnd: Double?
    private var longest = 0.0
    private var hasDeferred = false
    /// The chains added (markers of dropped events left out).
    public private(set) var chainCount = 0
    private var dropped = 0

    /// The only non-standard fields the overview's figures read of a log (see ``LogLoader/keptFields``): the
    /// summary's, and those the grouping, outcomes and titles read. The values (`value`, `input`, `output`) and
    /// call sites, most of a monitor's bytes, are left out.
    public static let fieldsUsed: Set<String> = {
        typealias F = MonitorVocabulary.Field
        let read = [
            F.createdAt, F.trackedAt, F.flightRecord, F.callback, F.errback, F.path, F.outputPath, F.returnedDeferred,
            F.to, F.cycle, F.endedBy, F.runs, F.closedAt, F.result, F.since, F.until, EventMessage.Key.exception,
            EventMessage.Key.reason,
        ]
        return SummaryAccumulator.fieldsUsed.union(read)
    }()

    /// An empty overview.
    public init() {}

    /// Adds a chain; the monitor's dropped-events marker is counted as events lost, not drawn.
    public mutating func add(_ chain: Chain, ordinal: Int) {
        add(ChainFigures(chain, overview: true), ordinal: ordinal)
    }

    /// Adds a chain's figures, made with its signature (from a ``Chain``, or a brief task read with
    /// ``ChainFigures/overviewBriefFields``).
    mutating func add(_ chain: ChainFigures, ordinal: Int) {
        if let lost = chain.lostEvents {
            dropped += max(0, lost)
            return
        }
        summary.add(chain, ordinal: ordinal)
        chainCount += 1
        if ordinal < lastOrdinal { inOrder = false }
        lastOrdinal = ordinal
        if let start = chain.start { logStart = min(logStart ?? start, start) }
        if let end = chain.end { latestEnd = max(latestEnd ?? end, end) }
        // As ``Chain/duration``: end minus start, whether complete or not.
        var duration = 0.0
        if let start = chain.start, let end = chain.end { duration = max(0, end - start) }
        longest = max(longest, duration)
        hasDeferred = hasDeferred || chain.isDeferred
        let member = OverviewGroup.Member(
            ordinal: ordinal, duration: duration, runningTime: chain.isDeferred ? chain.runningTime : duration,
            waitingTime: chain.waitingTime, start: chain.start)
        let key = chain.signature ?? ""
        if let i = groupIndex[key] {
            if ordinal < groups[i].firstOrdinal { groups[i].represent(chain, ordinal: ordinal) }
            members.append((i, member))
        } else {
            groupIndex[key] = groups.count
            members.append((groups.count, member))
            groups.append(OverviewGroup(chain, ordinal: ordinal))
        }
    }

    /// The figures of the chains added, for a log with these inputs, message and warning counts.
    ///
    /// - Parameter droppedEvents: The events the log says were lost, when known over more than the chains added
    ///   (a selection leaves markers out); by default, those of the markers added.
    public consuming func figures(inputs: [String], messages: Int, warnings: Int, droppedEvents: Int? = nil)
        -> OverviewFigures
    {
        // Consumed: the groups are moved into the figures, not copied (a log of distinct chains has as many).
        var groups = groups
        self.groups = []
        for (group, member) in members { groups[group].members.append(member) }
        members = []
        if !inOrder {
            for i in groups.indices { groups[i].members.sort { $0.ordinal < $1.ordinal } }
            groups.sort { $0.firstOrdinal < $1.firstOrdinal }
        }
        return OverviewFigures(
            summary: summary.summary(inputs: inputs, messages: messages, warnings: warnings), groups: groups,
            chainCount: chainCount, start: logStart, end: latestEnd, longest: longest, hasDeferred: hasDeferred,
            droppedEvents: droppedEvents ?? dropped)
    }
}

/// What the overview draws of a log's chains: the figures of ``OverviewAccumulator``.
public struct OverviewFigures: Sendable, Equatable {
    /// The summary (outcomes, percentiles, time in callbacks and waiting, the slowest callbacks).
    public var summary: LogSummary
    /// The rows: identical chains (same ``Chain/signature``) as one, in order of their first chain.
    public var groups: [OverviewGroup]
    /// The chains drawn (markers of dropped events left out).
    public var chainCount: Int
    /// The earliest start and latest end of any chain.
    public var start: Double?
    public var end: Double?
    /// The longest chain's duration.
    public var longest: Double
    /// Whether any chain is a Deferred (else time in callbacks and waiting do not apply).
    public var hasDeferred: Bool
    /// Events the monitor said it dropped.
    public var droppedEvents: Int
}

/// Chains with the same label, callback sequence and outcome, shown as one overview row (`fetchUser ×312`): the
/// first chain's facts, and a few numbers per chain.
public struct OverviewGroup: Sendable, Equatable {
    /// What a row needs of each of its chains.
    public struct Member: Sendable, Equatable {
        /// The chain's place in first-message order.
        public var ordinal: Int
        public var duration: Double
        public var runningTime: Double
        public var waitingTime: Double
        public var start: Double?
    }

    /// The first chain's label, task id, place and outcome: the group's.
    public private(set) var representativeLabel: String
    public private(set) var id: String
    public private(set) var file: String
    public private(set) var line: Int?
    public private(set) var outcome: ChainOutcome
    /// Whether the chains are Deferreds (the signature says so: all are, or none).
    public private(set) var isDeferred: Bool
    /// Every chain's numbers, in first-message order.
    public internal(set) var members: [Member] = []
    /// The first chain's ordinal.
    private(set) var firstOrdinal: Int
    private var deferredID: Int?
    private var trackedBy: String?

    init(_ chain: ChainFigures, ordinal: Int) {
        representativeLabel = chain.label
        id = chain.id
        file = chain.file
        line = chain.line
        outcome = chain.fullOutcome ?? .succeeded
        isDeferred = chain.isDeferred
        deferredID = chain.deferredID
        trackedBy = chain.trackedBy
        firstOrdinal = ordinal
    }

    /// An earlier chain (handed out later) stands for the group.
    mutating func represent(_ chain: ChainFigures, ordinal: Int) {
        let members = members
        self = OverviewGroup(chain, ordinal: ordinal)
        self.members = members
    }

    /// The first chain's title (``Chain/title``).
    public var title: String { Chain.title(label: representativeLabel, deferredID: deferredID, trackedBy: trackedBy) }
    /// Duration percentiles.
    public var durations: Percentiles { Percentiles(members.map(\.duration)) }
    /// The longest duration.
    public var maxDuration: Double { members.lazy.map(\.duration).max() ?? 0 }
    /// How many chains.
    public var count: Int { members.count }
    /// The shortest duration.
    public var minDuration: Double { members.lazy.map(\.duration).min() ?? 0 }
    /// The earliest start.
    public var start: Double { members.lazy.compactMap(\.start).min() ?? 0 }
    /// The label: the chain's title, or `fetchUser ×312`.
    public var label: String { count == 1 ? title : "\(representativeLabel) ×\(count)" }
    /// The median chain by duration (the chain itself when alone), whose bar is drawn.
    public var sample: Member { members.sorted { $0.duration < $1.duration }[(count - 1) / 2] }
}
