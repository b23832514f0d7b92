/// A column of the callback/errback ladder, and the path a chain is on.
public enum LadderSide: String, Sendable, Hashable, Codable {
    /// The callback column: the chain holds a result.
    case callback
    /// The errback column: the chain holds a failure.
    case errback
}
