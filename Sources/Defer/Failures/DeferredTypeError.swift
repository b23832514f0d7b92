/// The failure a typed callback gets when the chain's current result is not of the type it expects.
///
/// This happens only when the typed face is bypassed: a result was handed to another deferred (Twisted then
/// leaves `None` behind), or `Deferred(unchecked:)` was used with the wrong type.
public struct DeferredTypeError: Error, Sendable, CustomStringConvertible {
    /// The type the callback expected.
    public let expected: String
    /// The type the chain actually held.
    public let actual: String
    /// Makes the error.
    public init(expected: String, actual: String) {
        self.expected = expected
        self.actual = actual
    }
    /// A one-line description.
    public var description: String { "callback expected \(expected) but the chain holds \(actual)" }
}
