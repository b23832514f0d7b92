/// A misuse of `DeferredContext` (Eliot raises `RuntimeError` and `AlreadyFinished` for the same mistakes).
public struct DeferredContextError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of misuse.
    public enum Code: String, Sendable, Hashable {
        /// `DeferredContext` was made outside any action.
        case noCurrentAction = "no current action"
        /// A callback was added, or `addActionFinish()` called, after `addActionFinish()`.
        case alreadyFinished = "already finished"
    }

    /// What went wrong.
    public let code: Code
    /// Details.
    public let message: String

    /// Makes the error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
