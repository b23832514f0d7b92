/// The failure of a `DeferredList` with `fireOnOneErrback` (and of `gatherResults`): the first member to fail.
public struct FirstError: Error, Sendable, CustomStringConvertible {
    /// The member's failure.
    public let subFailure: Failure
    /// The member's position in the input.
    public let index: Int
    /// Makes the error.
    public init(subFailure: Failure, index: Int) {
        self.subFailure = subFailure
        self.index = index
    }
    /// `FirstError[#index, failure]`, as Twisted prints it.
    public var description: String { "FirstError[#\(index), \(subFailure)]" }
}
