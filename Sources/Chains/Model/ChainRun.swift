/// One callback or errback that ran (a `reactortrack:run` action, or a Reactor Track `executed` record).
public struct ChainRun: Sendable, Hashable {
    /// The pair index the run belongs to, when known.
    public var index: Int?
    /// The callback's name.
    public var name: String
    /// The half that ran.
    public var side: LadderSide
    /// Start, Unix seconds.
    public var start: Double?
    /// End, Unix seconds; `nil` while the run is unfinished.
    public var end: Double?
    /// The input's short description.
    public var input: String?
    /// The output's short description (the result, or `Deferred #n`).
    public var output: String?
    /// Where the chain went next; `nil` when the run returned a Deferred or never ended.
    public var outputSide: LadderSide?
    /// The exception type when the callback threw (or returned a failure).
    public var exception: String?
    /// The exception message.
    public var reason: String?
    /// The id of a Deferred the callback returned.
    public var returnedDeferred: Int?
    /// The line of the run's start message.
    public var line: Int?

    /// Creates a run.
    public init(
        index: Int?, name: String, side: LadderSide, start: Double?, end: Double?, input: String? = nil,
        output: String? = nil, outputSide: LadderSide? = nil, exception: String? = nil, reason: String? = nil,
        returnedDeferred: Int? = nil, line: Int? = nil
    ) {
        self.index = index
        self.name = name
        self.side = side
        self.start = start
        self.end = end
        self.input = input
        self.output = output
        self.outputSide = outputSide
        self.exception = exception
        self.reason = reason
        self.returnedDeferred = returnedDeferred
        self.line = line
    }

    /// End minus start, when both are known.
    public var duration: Double? {
        guard let start, let end else { return nil }
        return max(0, end - start)
    }

    /// Whether the run threw.
    public var failed: Bool { exception != nil }
}
