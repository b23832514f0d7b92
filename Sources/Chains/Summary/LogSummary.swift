/// Figures over every chain of a log: outcomes and statuses, duration percentiles over the complete tasks,
/// running and waiting time, failed actions, the slowest chains and callbacks, and (for `summary --json`) every
/// task's facts. Drawn by the overview, printed by `reactortrack summary`, as JSON in schema ``schema``.
public struct LogSummary: Sendable, Hashable, Encodable {
    /// The version of the JSON this type writes (`docs/cli.md` describes it).
    public static let schema = 2

    /// One of the slowest chains.
    public struct ChainEntry: Sendable, Hashable, Encodable {
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

        enum CodingKeys: String, CodingKey { case task, title, outcome, duration, location }

        /// Writes the entry; a non-finite duration is `null`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(task, forKey: .task)
            try c.encode(title, forKey: .title)
            try c.encode(outcome, forKey: .outcome)
            try c.encodeFinite(duration, forKey: .duration)
            try c.encode(location, forKey: .location)
        }
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
    /// Tasks by the root's status as eliot.parse gives it: `succeeded`, `failed`, `started`, or `message` (a task
    /// that is one message, which has none).
    public var statuses: [String: Int]
    /// Complete tasks (eliot.parse's rule); only these have a duration.
    public var complete: Int
    /// Failed actions in every task (runs that threw, failed child actions, failed roots).
    public var failedActions: Int
    /// `eliot:traceback` messages.
    public var tracebackMessages: Int
    /// Chain duration percentiles over the complete tasks, seconds.
    public var durations: Percentiles
    /// Time in callbacks, seconds: per input, the union of every run's interval (a run nested in another counts
    /// once), added up over the inputs.
    public var running: Double
    /// Time waiting on other Deferreds over all chains, seconds.
    public var waiting: Double
    /// The slowest complete chains, slowest first.
    public var slowestChains: [ChainEntry]
    /// The callbacks (or action types) with the most total time; runs that never ended are not counted.
    public var slowestCallbacks: [CallbackStats]
    /// Events the monitor says it dropped (its `reactortrack:dropped` markers): what the log does not show.
    public var lostEvents: Int
    /// Every task's facts in order of first message, when asked for (`summary --json`).
    public var tasks: [TaskFacts]?

    /// Tasks left out of the duration percentiles because they are not complete.
    public var incomplete: Int { chains - complete }

    /// Computes the summary of `log`'s chains (`chains` overrides them after a selection).
    public init(_ log: TrackedLog, chains: [Chain]? = nil, top: Int = 10, keepsTasks: Bool = false) {
        var accumulator = SummaryAccumulator(top: top)
        accumulator.keepsTasks = keepsTasks
        for (ordinal, chain) in (chains ?? log.chains).enumerated() { accumulator.add(chain, ordinal: ordinal) }
        self = accumulator.summary(inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count)
    }

    init(
        inputs: [String], messages: Int, warnings: Int, chains: Int, outcomes: [String: Int],
        statuses: [String: Int], complete: Int, failedActions: Int, tracebackMessages: Int, durations: Percentiles,
        running: Double, waiting: Double, slowestChains: [ChainEntry], slowestCallbacks: [CallbackStats],
        lostEvents: Int, tasks: [TaskFacts]?
    ) {
        self.inputs = inputs
        self.messages = messages
        self.warnings = warnings
        self.chains = chains
        self.outcomes = outcomes
        self.statuses = statuses
        self.complete = complete
        self.failedActions = failedActions
        self.tracebackMessages = tracebackMessages
        self.durations = durations
        self.running = running
        self.waiting = waiting
        self.slowestChains = slowestChains
        self.slowestCallbacks = slowestCallbacks
        self.lostEvents = lostEvents
        self.tasks = tasks
    }

    enum CodingKeys: String, CodingKey {
        case schema, inputs, messages, warnings, chains, outcomes, statuses, complete, incomplete
        case failedActions = "failed_actions", tracebackMessages = "traceback_messages", durations
        case durationsOver = "durations_over", running, waiting
        case slowestChains = "slowest_chains", slowestCallbacks = "slowest_callbacks", lostEvents = "lost_events", tasks
    }

    /// Writes schema 2: snake_case keys, non-finite numbers as `null`, `tasks` only when kept.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.schema, forKey: .schema)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(messages, forKey: .messages)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(chains, forKey: .chains)
        try c.encode(outcomes, forKey: .outcomes)
        try c.encode(statuses, forKey: .statuses)
        try c.encode(complete, forKey: .complete)
        try c.encode(incomplete, forKey: .incomplete)
        try c.encode(failedActions, forKey: .failedActions)
        try c.encode(tracebackMessages, forKey: .tracebackMessages)
        try c.encode(durations, forKey: .durations)
        try c.encode("complete tasks", forKey: .durationsOver)
        try c.encodeFinite(running, forKey: .running)
        try c.encodeFinite(waiting, forKey: .waiting)
        try c.encode(slowestChains, forKey: .slowestChains)
        try c.encode(slowestCallbacks, forKey: .slowestCallbacks)
        try c.encode(lostEvents, forKey: .lostEvents)
        if let tasks { try c.encode(tasks, forKey: .tasks) }
    }
}

extension KeyedEncodingContainer {
    /// Encodes a number, or `null` when it is unknown or not finite (JSON has no infinity).
    mutating func encodeFinite(_ value: Double?, forKey key: Key) throws {
        if let value, value.isFinite { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}
