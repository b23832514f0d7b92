/// A failure of reading a log for a report: an input it cannot open, or cannot use at all.
/// (Drawing and writing an output fail with Visualize's `RenderError`; what only the command decides, nothing
/// selected or warnings under `--strict`, is the command's own error.)
///
/// Its ``description`` is one line, `mon.out: empty log: no messages`, or `mon.out:12: ...` when a line is
/// known. Problems inside a readable log are warnings (``EventLog/EventLogError``), not this type.
public struct ReportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// The input or output file concerned, if any.
    public var file: String?
    /// The 1-based line, if one is to blame.
    public var line: Int?

    /// Creates an error.
    public init(code: Code, message: String, file: String? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    /// `file:line: code: message`, dropping the parts that are unknown.
    public var description: String {
        switch (file, line) {
        case (let file?, let line?): "\(file):\(line): \(code): \(message)"
        case (let file?, nil): "\(file): \(code): \(message)"
        default: "\(code): \(message)"
        }
    }
}
