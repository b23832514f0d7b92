/// The failure `addTimeout` produces when the deadline passed and the cancel produced `CancelledError`.
public struct TimeoutError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The timeout, in seconds.
    public let seconds: Double
    /// Makes the error.
    public init(seconds: Double) { self.seconds = seconds }
    /// `Deferred timed out after N seconds`, as Twisted's message reads.
    public var description: String { "Deferred timed out after \(seconds) seconds" }
}
