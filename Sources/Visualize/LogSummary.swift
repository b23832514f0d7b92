/// Figures over every chain of a log: outcomes, duration percentiles, running and waiting time, the slowest
/// chains and callbacks. Drawn by the overview, printed by `reactortrack summary` (also as JSON).
public struct LogSummary: Sendable, Hashable, Codable {
    /// One of the slowest chains.
    public struct ChainEntry: Sendable, Hashable, Codable {
        /// The task id.
        public var task: String
        /// The title (`label #id`).
        public var title: String
        /// The outcome name.
        public var outcome: String
        /// Seconds.
        public var duration: Double
        /// Where it starts: `file:line`.
        public var location: String
    }

    /// The inputs.
    public var inputs: [String]
    /// Messages read.
    public var messages: Int
    /// Warnings found.
    public var warnings: Int
    /// Chains (tasks) drawn.
    public var chains: Int
    /// Chains by outcome name.
    public var outcomes: [String: Int]
    /// Chain duration percentiles, seconds.
    public var durations: Percentiles
    /// Time in callbacks over all deferred chains, seconds.
    public var running: Double
    /// Time waiting on other Deferreds over all chains, seconds.
    public var waiting: Double
    /// The slowest chains, slowest first.
    public var slowestChains: [ChainEntry]
    /// The callbacks (or action types) with the most total time.
    public var slowestCallbacks: [CallbackStats]

    /// Computes the summary of `log`'s chains (`chains` overrides them after a selection).
    public init(_ log: TrackedLog, chains: [Chain]? = nil, top: Int = 10) {
        let chains = chains ?? log.chains
        inputs = log.inputs
        messages = log.messageCount
        warnings = log.warnings.count
        self.chains = chains.count
        outcomes = chains.reduce(into: [:]) { $0[$1.outcome.name, default: 0] += 1 }
        durations = Percentiles(chains.map(\.duration))
        running = chains.filter(\.isDeferred).reduce(0) { $0 + $1.runningTime }
        waiting = chains.reduce(0) { $0 + $1.waitingTime }
        slowestChains = chains.sorted { $0.duration > $1.duration }.prefix(top).map {
            ChainEntry(
                task: $0.id, title: $0.title, outcome: $0.outcome.name, duration: $0.duration,
                location: "\($0.file):\($0.line.map(String.init) ?? "?")")
        }
        slowestCallbacks = Self.callbacks(chains, top: top)
    }

    /// Per-callback totals: the runs of deferred chains, and the non-root actions of action trees.
    static func callbacks(_ chains: [Chain], top: Int) -> [CallbackStats] {
        var durations: [String: [Double]] = [:]
        var failures: [String: Int] = [:]
        for chain in chains {
            if chain.isDeferred {
                for run in chain.runs {
                    durations[run.name, default: []].append(run.duration ?? 0)
                    if run.failed { failures[run.name, default: 0] += 1 }
                }
            } else {
                for span in chain.spans where span.kind == .action && span.depth > 0 {
                    durations[span.name, default: []].append(span.duration ?? 0)
                    if span.status == "failed" { failures[span.name, default: 0] += 1 }
                }
            }
        }
        return durations.map { name, values in
            CallbackStats(
                name: name, calls: values.count, total: values.reduce(0, +), percentiles: Percentiles(values),
                failures: failures[name] ?? 0)
        }
        .sorted { $0.total != $1.total ? $0.total > $1.total : $0.name < $1.name }
        .prefix(top).map { $0 }
    }
}
