/// A link from one chain to another Deferred's chain.
public struct ChainLink: Sendable, Hashable {
    /// How the chains are linked.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// `chainDeferred(target)`.
        case chained
        /// A callback returned the target, and the chain waited on it.
        case waitedOn
        /// A callback returned the target (already fired, so no wait).
        case returned
        /// The target was tracked inside this action (the monitor wrote its chain into the action's task).
        case contains
    }

    /// How the chains are linked.
    public var kind: Kind
    /// The target's `deferred_id`.
    public var target: Int
    /// The pair of this chain the link leaves from, when known.
    public var pairIndex: Int?
    /// When the link was made, Unix seconds.
    public var time: Double?

    /// Creates a link.
    public init(kind: Kind, target: Int, pairIndex: Int?, time: Double?) {
        self.kind = kind
        self.target = target
        self.pairIndex = pairIndex
        self.time = time
    }
}
