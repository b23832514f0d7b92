/// One row of a generic Eliot task drawn as an action tree on a time axis: an action or a message.
public struct ActionSpan: Sendable, Hashable {
    /// Whether the row is an action or a standalone message.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// An action: a bar from its start to its end.
        case action
        /// A standalone message: a tick at its time.
        case message
    }

    /// Action or message.
    public var kind: Kind
    /// The `action_type` or `message_type`.
    public var name: String
    /// Depth in the tree (0 = the task's root).
    public var depth: Int
    /// The task level shown next to the name (`/2/1`).
    public var level: String
    /// Start (or the message's time), Unix seconds.
    public var start: Double?
    /// End, Unix seconds; `nil` for messages and open actions.
    public var end: Double?
    /// `succeeded`, `failed`, `open`, or `nil` for messages.
    public var status: String?
    /// The exception type of a failed action, or of an `eliot:traceback` message.
    public var exception: String?
    /// The exception message.
    public var reason: String?
    /// The other fields, `key: value` one per line, for tooltips.
    public var fields: [String]
    /// The line of its first message.
    public var line: Int?
    /// The fields of the start message (an action) or of the message, as eliot-tree lists them.
    public var startFields: [FieldLine] = []
    /// The level of an action's end message (`/3`); `nil` while the action is open.
    public var endLevel: String?
    /// The fields of an action's end message, `exception` and `reason` among them.
    public var endFields: [FieldLine] = []
    /// For the span of a Deferred chain tracked inside the action (a `reactortrack:deferred` action), that
    /// Deferred: the chain is its own ``Chain``, linked from the action's (`contains`), and its runs are its own,
    /// not the action's.
    public var chainDeferredID: Int?

    /// Creates a row.
    public init(
        kind: Kind, name: String, depth: Int, level: String, start: Double?, end: Double?, status: String?,
        exception: String? = nil, reason: String? = nil, fields: [String] = [], line: Int? = nil
    ) {
        self.kind = kind
        self.name = name
        self.depth = depth
        self.level = level
        self.start = start
        self.end = end
        self.status = status
        self.exception = exception
        self.reason = reason
        self.fields = fields
        self.line = line
    }

    /// Whether the row is an action with no end message.
    public var isOpen: Bool { kind == .action && status == "open" }
    /// End minus start, when both are known.
    public var duration: Double? {
        guard let start, let end else { return nil }
        return max(0, end - start)
    }
}
