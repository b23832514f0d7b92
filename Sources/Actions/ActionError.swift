/// A misuse of actions or a failure of a destination.
public struct ActionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of an ``ActionError``.
    public enum Code: String, Sendable, Hashable {
        /// A serialized task id that is not `uuid@/n/m...`.
        case invalidTaskID = "invalid task id"
        /// A ``Action/preserveContext(_:)`` callable was called twice (Eliot's `TooManyCalls`).
        case tooManyCalls = "too many calls"
        /// A file could not be opened or written.
        case ioFailure = "I/O failure"
        /// A call that does not fit the object's mode (`dump(to:)` on a streaming monitor).
        case misuse = "misuse"
    }

    /// What went wrong.
    public var code: Code
    /// Details.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
