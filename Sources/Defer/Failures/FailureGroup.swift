/// The failure of `race` when every member failed: all the failures, in input order.
public struct FailureGroup: Error, Sendable, CustomStringConvertible {
    /// The members' failures, by index.
    public let failures: [Failure]
    /// Makes the error.
    public init(failures: [Failure]) { self.failures = failures }
    /// A one-line description.
    public var description: String { "FailureGroup(\(failures.map(\.description).joined(separator: ", ")))" }
}
