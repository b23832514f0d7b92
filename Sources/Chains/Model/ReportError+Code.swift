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
    }
}
