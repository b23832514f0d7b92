/// The failure a deferred carries after `cancel()` when its canceller did not fire it.
public struct CancelledError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Makes the error.
    public init() {}
    /// `CancelledError`.
    public var description: String { "CancelledError" }
}
