/// Thrown to the caller when a deferred that already fired is fired again.
public struct AlreadyCalledError: Error, Sendable, CustomStringConvertible {
    /// Extra detail: in debug mode, where the deferred was created and first fired.
    public let detail: String?

    /// Makes the error, with debug detail when available.
    public init(detail: String? = nil) { self.detail = detail }

    /// A one-line description.
    public var description: String {
        if let detail { return "AlreadyCalledError:\(detail)" }
        return "AlreadyCalledError"
    }
}
