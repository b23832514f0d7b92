extension ReportError {
    /// The kind of a ``ReportError``.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's text as it appears in ``ReportError/description``.
        public let description: String

        private init(_ description: String) { self.description = description }

        /// The input could not be opened or read.
        public static let unreadable = Code("cannot read")
        /// The input holds lines, but none is an Eliot message or a Reactor Track record.
        public static let unknownFormat = Code("unknown format")
        /// The input holds no message at all.
        public static let emptyLog = Code("empty log")
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
}
