/// One item from ``EventLogReader``: a message with its line number, or a warning about a skipped or
/// suspicious line.
public enum EventLogEntry: Sendable, Hashable {
    /// A message read from the given 1-based line.
    case message(EventMessage, line: Int)
    /// A problem; ``EventLogError/line`` says where. A message that was kept despite the problem (such as
    /// a missing timestamp) is delivered as its own `.message` entry right after the warning.
    case warning(EventLogError)
}
