import EventLog

/// Folds chains into the figures of a ``LogSummary`` one at a time, keeping only what those need, so that a
/// summary can be made while a log streams past (see ``LogLoader/stream(_:_:)``) without holding its chains.
///
/// What it keeps per chain is a few numbers (its duration when complete, waiting time, each run's interval, merged
/// into one union per file), plus the `top` slowest complete chains, and with ``keepsTasks`` every task's facts. Chains may come in any order: each carries its ordinal (its place in
/// first-message order), and every figure is computed as if the chains had come in that order, so sums
/// round exactly as ``LogSummary/init(_:chains:top:)`` rounds them and ties among the slowest chains go to
/// the earlier one.
public struct SummaryAccumulator: Sendable {
    /// How many of the slowest chains and callbacks the summary lists.
    public let top: Int
    /// The number of chains added.
    public private(set) var chainCount = 0
    /// Events the monitor's `reactortrack:dropped` markers say were lost (the markers are not chains).
    public private(set) var lostEvents = 0

    /// Whether the summary lists every task's ``TaskFacts`` (`summary --json`).
    public var keepsTasks = false
    /// Whether memory stays bounded however many chains are added, for a log followed without end (`top`): the
    /// durations of the chains and of each callback name are kept while there are at most ``exactValues`` of
    /// them (the figures are then exact), then counted in a ``LogHistogram`` (each percentile within 1%, the
    /// largest and the count exact); the time waiting and in callbacks (which `top` does not show) is not kept:
    /// `waiting` and `running` are 0. Set it before adding a chain.
    public var bounded = false
    /// How many durations of one kind a bounded accumulator keeps exactly.
    public static let exactValues = 4_096

    private var outcomes: [String: Int] = [:]
    private var statuses: [String: Int] = [:]
    private var completeCount = 0
    private var failedActions = 0
    private var tracebacks = 0
    /// Durations of complete chains only: an open one has none.
    private var durations: [Double] = []
    private var durationHistogram: LogHistogram?
    /// Time in callbacks per input file: the union of every run's interval, so a run nested in another (a chained
    /// Deferred's callbacks inside `chainDeferred`'s) counts once.
    private var running: [(file: String, union: IntervalUnion)] = []
    private var waiting = OrderedValues()
    private var tasks: [(ordinal: Int, facts: TaskFacts)] = []
    /// The slowest chains so far, slowest first (ties: lower ordinal first), at most `top`.
    private var slowest: [Slow] = []
    private var callbacks: [String: Callback] = [:]

    /// Values tagged with where they would come in first-message order, to be summed in that order.
    private struct OrderedValues: Sendable {
        // (ordinal, arrival, value): arrival keeps the values of one chain in the order they were added.
        var values: [(Int, Int, Double)] = []
        var inOrder = true

        mutating func append(_ value: Double, ordinal: Int) {
            if let last = values.last, last.0 > ordinal { inOrder = false }
            values.append((ordinal, values.count, value))
        }

        /// The values in first-message order.
        func ordered() -> [Double] {
            if inOrder { return values.map(\.2) }
            return values.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map(\.2)
        }
    }

    private struct Slow: Sendable {
        var duration: Double
        var ordinal: Int
        var entry: LogSummary.ChainEntry

        init(_ duration: Double, _ ordinal: Int, _ entry: LogSummary.ChainEntry) {
            self.duration = duration
            self.ordinal = ordinal
            self.entry = entry
        }

        /// Whether a chain of this duration and ordinal comes before `other` in the list: slower, or as slow
        /// and earlier.
        static func precedes(_ duration: Double, _ ordinal: Int, _ other: Slow) -> Bool {
            duration != other.duration ? duration > other.duration : ordinal < other.ordinal
        }
    }

    private struct Callback: Sendable {
        var durations = OrderedValues()
        /// Bounded, past ``SummaryAccumulator/exactValues`` calls: the durations so far, their total summed in
        /// order first.
        var histogram: LogHistogram?
        var failures = 0

        mutating func add(_ duration: Double, ordinal: Int, bounded: Bool) {
            if histogram != nil {
                histogram!.add(duration)
                return
            }
            durations.append(duration, ordinal: ordinal)
            guard bounded, durations.values.count > SummaryAccumulator.exactValues else { return }
            histogram = LogHistogram(durations.ordered())
            durations = OrderedValues()
        }

        /// Calls, total and percentiles.
        var figures: (calls: Int, total: Double, percentiles: Percentiles) {
            if let histogram { return (histogram.count, histogram.total, histogram.percentiles) }
            let values = durations.ordered()
            return (values.count, values.reduce(0, +), Percentiles(values))
        }
    }

    /// The Eliot fields (besides the standard ones) that the figures of a summary depend on: read only these
    /// (``LogLoader/keptFields``) and the summary comes out the same, sooner. The Deferred's id and label
    /// (titles), pair indexes (which run is which), run names, the waits (`on`, `from`, `waited`), and the
    /// `count` of the monitor's dropped-events marker, `tracked_by` (a followed chain's title), and `cut_at` (a
    /// chain a flight record cut: its gaps are no damage to warn of).
    public static let fieldsUsed: Set<String> = {
        typealias F = MonitorVocabulary.Field
        return [F.deferredID, F.label, F.index, F.name, F.on, F.from, F.waited, F.count, F.trackedBy, F.cutAt]
    }()

    /// Creates an empty accumulator.
    ///
    /// - Parameter top: How many of the slowest chains and callbacks to keep.
    public init(top: Int = 10) {
        self.top = max(0, top)
    }

    /// Adds one chain.
    ///
    /// - Parameters:
    ///   - chain: The chain.
    ///   - ordinal: Its place among the log's chains in order of first message (ordinals must be distinct).
    public mutating func add(_ chain: Chain, ordinal: Int) {
        add(ChainFigures(chain), ordinal: ordinal)
    }

    mutating func add(_ chain: ChainFigures, ordinal: Int) {
        // The monitor's note that it dropped events is no chain: its count is reported as lost events.
        if let lost = chain.lostEvents {
            lostEvents += lost
            return
        }
        chainCount += 1
        outcomes[chain.outcome, default: 0] += 1
        statuses[chain.status, default: 0] += 1
        failedActions += chain.failedActions
        tracebacks += chain.tracebacks
        if keepsTasks, let facts = chain.facts { tasks.append((ordinal, facts)) }
        if chain.complete { completeCount += 1 }
        if let duration = chain.duration {
            if durationHistogram != nil {
                durationHistogram!.add(duration)
            } else {
                durations.append(duration)
                if bounded, durations.count > Self.exactValues {
                    durationHistogram = LogHistogram(durations)
                    durations = []
                }
            }
            noteSlowest(chain, duration: duration, ordinal: ordinal)
        }
        if !bounded, chain.isDeferred, !chain.callbacks.isEmpty {
            // A log has few files: a list searched from the most recent, not a dictionary hashed per run.
            let f = running.lastIndex { $0.file == chain.file } ?? {
                running.append((chain.file, IntervalUnion()))
                return running.count - 1
            }()
            for run in chain.callbacks { running[f].union.add(run.start, run.end) }
        }
        if !bounded { waiting.append(chain.waitingTime, ordinal: ordinal) }
        for run in chain.callbacks {
            // A run that never ended has no duration: it is not a call of 0 s.
            guard let duration = run.duration else { continue }
            let name = CallbackStats.groupName(run.name)
            callbacks[name, default: Callback()].add(duration, ordinal: ordinal, bounded: bounded)
            if run.failed { callbacks[name, default: Callback()].failures += 1 }
        }
    }

    private mutating func noteSlowest(_ chain: ChainFigures, duration: Double, ordinal: Int) {
        guard top > 0 else { return }
        if slowest.count == top, let last = slowest.last, !Slow.precedes(duration, ordinal, last) { return }
        let entry = LogSummary.ChainEntry(
            task: chain.id, title: chain.title, outcome: chain.outcome, duration: duration,
            location: "\(chain.file):\(chain.line.map(String.init) ?? "?")")
        let at = slowest.firstIndex { !Slow.precedes($0.duration, $0.ordinal, Slow(duration, ordinal, entry)) }
        slowest.insert(Slow(duration, ordinal, entry), at: at ?? slowest.count)
        if slowest.count > top { slowest.removeLast() }
    }

    /// The summary of the chains added so far.
    ///
    /// - Parameters:
    ///   - inputs: The input names.
    ///   - messages: The number of messages read.
    ///   - warnings: The number of warnings found.
    public func summary(inputs: [String], messages: Int, warnings: Int) -> LogSummary {
        var callbackRows: [CallbackStats] = []
        for (name, callback) in callbacks {
            let (calls, total, percentiles) = callback.figures
            callbackRows.append(
                CallbackStats(name: name, calls: calls, total: total, percentiles: percentiles, failures: callback.failures))
        }
        callbackRows.sort { $0.total != $1.total ? $0.total > $1.total : $0.name < $1.name }
        let runningTotal = running.sorted { $0.file < $1.file }.reduce(0.0) { $0 + $1.union.total }
        let waitingTotal: Double = waiting.ordered().reduce(0, +)
        return LogSummary(
            inputs: inputs, messages: messages, warnings: warnings, chains: chainCount, outcomes: outcomes,
            statuses: statuses, complete: completeCount, failedActions: failedActions, tracebackMessages: tracebacks,
            durations: durationHistogram?.percentiles ?? Percentiles(durations), running: runningTotal, waiting: waitingTotal,
            slowestChains: slowest.map(\.entry), slowestCallbacks: Array(callbackRows.prefix(top)),
            lostEvents: lostEvents, tasks: keepsTasks ? tasks.sorted { $0.ordinal < $1.ordinal }.map(\.facts) : nil)
    }
}
