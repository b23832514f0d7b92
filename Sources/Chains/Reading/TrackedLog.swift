public import EventLog

/// Everything read from the inputs: the chains, and the warnings about damaged lines.
public struct TrackedLog: Sendable {
    /// The chains, in order of their first message.
    public var chains: [Chain]
    /// One warning per problem, each naming its file and (where there is one) line.
    public var warnings: [EventLogError]
    /// The input names, as given (`-` is shown as `<stdin>`).
    public var inputs: [String]
    /// The format of each input, in order.
    public var formats: [InputFormat]
    /// The number of messages read.
    public var messageCount: Int
    /// The number of bytes read.
    public var byteCount: Int
    /// The latest timestamp read: of any Eliot message, a chain's or not, and of the original format's chains.
    public var latestTimestamp: Double?

    /// Creates a log.
    public init(
        chains: [Chain], warnings: [EventLogError], inputs: [String], formats: [InputFormat], messageCount: Int,
        byteCount: Int
    ) {
        self.chains = chains
        self.warnings = warnings
        self.inputs = inputs
        self.formats = formats
        self.messageCount = messageCount
        self.byteCount = byteCount
    }

    /// The earliest chain start.
    public var start: Double? { chains.compactMap(\.start).min() }
    /// The latest chain end.
    public var end: Double? { chains.compactMap(\.end).max() }

    /// The events the monitor says it dropped (its `reactortrack:dropped` markers, see ``Chain/droppedEvents``),
    /// added up over `chains` (by default this log's).
    public func droppedEvents(in chains: [Chain]? = nil) -> Int {
        (chains ?? self.chains).reduce(0) { $0 + ($1.droppedEvents ?? 0) }
    }

    /// The chain of a Deferred id.
    public func chain(deferredID: Int) -> Chain? { chains.first { $0.deferredID == deferredID } }
}
