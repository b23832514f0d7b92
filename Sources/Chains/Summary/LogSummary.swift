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
        var accumulator = SummaryAccumulator(top: top)
        for (ordinal, chain) in (chains ?? log.chains).enumerated() { accumulator.add(chain, ordinal: ordinal) }
        self = accumulator.summary(inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count)
    }

    init(
        inputs: [String], messages: Int, warnings: Int, chains: Int, outcomes: [String: Int], durations: Percentiles,
        running: Double, waiting: Double, slowestChains: [ChainEntry], slowestCallbacks: [CallbackStats]
    ) {
        self.inputs = inputs
        self.messages = messages
        self.warnings = warnings
        self.chains = chains
        self.outcomes = outcomes
        self.durations = durations
        self.running = running
        self.waiting = waiting
        self.slowestChains = slowestChains
        self.slowestCallbacks = slowestCallbacks
    }
}
