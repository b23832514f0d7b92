/// A message as placed in a rebuilt tree, with the line it was read from (if it came from a file).
public struct WrittenMessage: Sendable, Hashable {
    /// The message.
    public var message: EventMessage
    /// The 1-based line number in the input, or `nil` for messages that never were on disk.
    public var line: Int?

    /// Creates a written message.
    public init(message: EventMessage, line: Int? = nil) {
        self.message = message
        self.line = line
    }

    /// The message's `task_level`.
    public var taskLevel: [Int] { message.taskLevel }
}
