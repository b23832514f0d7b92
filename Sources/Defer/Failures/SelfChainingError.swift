/// The failure a chain gets when a callback returns the deferred it belongs to.
///
/// Twisted only warns and then waits forever; a port should refuse, so the chain fails instead.
public struct SelfChainingError: Error, Sendable, CustomStringConvertible {
    /// Makes the error.
    public init() {}
    /// A one-line description.
    public var description: String { "a callback returned its own Deferred, which would wait on itself forever" }
}
