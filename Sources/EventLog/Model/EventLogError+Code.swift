extension EventLogError {
    /// The kind of an ``EventLogError``.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's text as it appears in ``EventLogError/description``.
        public let description: String

        private init(_ description: String) { self.description = description }

        /// A line that is not a JSON object: blank, junk, invalid JSON, or cut off. The line is skipped.
        public static let malformedLine = Code("malformed line")
        /// A JSON object that is not a usable Eliot message (no `task_uuid`, bad `task_level`, bad
        /// `action_status`, ...). The line is skipped.
        public static let invalidMessage = Code("invalid message")
        /// A message without a numeric `timestamp`. The message is kept with a `nil` timestamp.
        public static let missingTimestamp = Code("missing timestamp")
        /// A second message at a `task_level` already seen in the same task. The later one is skipped.
        public static let duplicateLevel = Code("duplicate task level")
        /// An end message whose `action_type` differs from its start message's. The message is kept.
        public static let wrongActionType = Code("wrong action type")
        /// A start message whose level does not end in 1, or an end message whose level does. Kept.
        public static let misplacedStatus = Code("misplaced action status")
        /// A message in an action after that action's end message. Kept, in the same task.
        public static let messageAfterEnd = Code("message after end")
        /// An action whose children exist but whose start message does not (a placeholder is used).
        public static let missingStart = Code("missing start message")
        /// An ended action with missing child slots (a message was lost).
        public static let gap = Code("gap in task levels")
        /// A line longer than the reader's limit. The line is skipped.
        public static let lineTooLong = Code("line too long")
        /// A string value longer than the reader keeps was cut (``EventLogReader/maxValueBytes``).
        public static let valueTooLong = Code("value too long")
        /// Reading the input failed. This one is thrown rather than reported.
        public static let ioError = Code("I/O error")
        /// The input holds no message at all (thrown by ``TaskReader``).
        public static let emptyInput = Code("empty log")
        /// The input holds lines, but none is an Eliot message or a Reactor Track record (thrown by ``TaskReader``).
        public static let unknownFormat = Code("unknown format")
    }
}
