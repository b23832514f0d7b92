/// A failure of drawing or writing a diagram or report: an output format it does not know, an output that is one
/// of the inputs, Cairo missing or failing, or a write that did not complete.
///
/// Its ``description`` is one line naming the output, `out.png: cairo: invalid matrix`. Reading the log fails
/// with ``Chains/ReportError`` instead.
public struct RenderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of a ``RenderError``.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's text as it appears in ``RenderError/description``.
        public let description: String

        private init(_ description: String) { self.description = description }

        /// The output path is one of the inputs.
        public static let wouldOverwriteInput = Code("refusing to overwrite input")
        /// The output's extension names no known format.
        public static let unknownOutputFormat = Code("unknown output format")
        /// Cairo failed to create, draw or write a surface.
        public static let cairo = Code("cairo")
        /// The Cairo library (which measures text and draws PNG and PDF) is not installed, or lacks a function.
        public static let cairoUnavailable = Code("cairo unavailable")
        /// Writing the output failed.
        public static let writeFailed = Code("cannot write")
    }

    /// What kind of failure this is.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// The output concerned, if known.
    public var file: String?

    /// Creates an error.
    public init(code: Code, message: String, file: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
    }

    /// `file: code: message`, or `code: message`.
    public var description: String { (file.map { "\($0): " } ?? "") + "\(code): \(message)" }
}
