/// A problem found while reading `mon.out`: a skipped line, a suspicious message, or a hole in a task's tree.
///
/// Its ``description`` reads like a compiler diagnostic: `mon.out:12: malformed line: unexpected end of line`.
/// The reader reports these as warnings and carries on; only I/O failures are thrown.
public struct EventLogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public var code: Code
    /// The name of the file (or stream) the problem was found in, as given to the reader.
    public var file: String
    /// The 1-based line number, or `nil` for problems of a task as a whole (a gap, a missing start).
    public var line: Int?
    /// A human-readable explanation.
    public var message: String

    /// Creates an error.
    public init(code: Code, file: String = "mon.out", line: Int?, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: code: message`, or `file: code: message` without a line.
    public var description: String {
        if let line {
            return "\(file):\(line): \(code): \(message)"
        }
        return "\(file): \(code): \(message)"
    }
}
