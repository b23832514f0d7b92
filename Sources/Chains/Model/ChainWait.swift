/// A pause while the chain waited on another Deferred (`reactortrack:waiting` … `reactortrack:resumed`).
public struct ChainWait: Sendable, Hashable {
    /// The awaited Deferred's id.
    public var on: Int?
    /// When waiting began, Unix seconds.
    public var start: Double?
    /// When the result came back; `nil` if it never did.
    public var end: Double?
    /// The pair whose callback returned the awaited Deferred, when known.
    public var pairIndex: Int?
    /// The path the result came back on.
    public var resumedSide: LadderSide?
    /// What came back: a value or `Exception: reason`.
    public var resumedValue: String?

    /// Creates a wait.
    public init(
        on: Int?, start: Double?, end: Double?, pairIndex: Int?, resumedSide: LadderSide? = nil,
        resumedValue: String? = nil
    ) {
        self.on = on
        self.start = start
        self.end = end
        self.pairIndex = pairIndex
        self.resumedSide = resumedSide
        self.resumedValue = resumedValue
    }

    /// How long the chain waited, when it resumed.
    public var duration: Double? {
        guard let start, let end else { return nil }
        return max(0, end - start)
    }
}
