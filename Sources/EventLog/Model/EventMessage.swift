/// One line of `mon.out`: an Eliot message.
///
/// The fields Eliot and eliot.parse give a meaning to are properties; everything else is in ``fields``.
/// On disk the names are Eliot's snake_case ones (`task_uuid`, `task_level`, `action_type`, ...).
public struct EventMessage: Sendable, Hashable {
    /// `task_uuid`: the task (tree) this message belongs to. Usually a UUID, but any string is accepted.
    public var taskUUID: String
    /// `task_level`: the message's position in the task's tree, a non-empty list of integers ≥ 1.
    public var taskLevel: [Int]
    /// `timestamp`: Unix seconds. `nil` only for a message read from a log that lacked it.
    public var timestamp: Double?
    /// `message_type`: set on a standalone message.
    public var messageType: String?
    /// `action_type`: set on an action's start and end messages.
    public var actionType: String?
    /// `action_status`: set together with ``actionType``.
    public var actionStatus: ActionStatus?
    /// `exception`: the error's type name on a failed end message (and on `eliot:traceback`).
    public var exception: String?
    /// `reason`: the error's description on a failed end message.
    public var reason: String?
    /// Every other field, keyed by its on-disk name.
    public var fields: [String: JSONValue]

    /// Creates a standalone message (`message_type`).
    public init(
        taskUUID: String, taskLevel: [Int], timestamp: Double?, messageType: String?,
        fields: [String: JSONValue] = [:]
    ) {
        self.taskUUID = taskUUID
        self.taskLevel = taskLevel
        self.timestamp = timestamp
        self.messageType = messageType
        self.fields = fields
    }

    /// Creates an action's start or end message (`action_type` and `action_status`).
    public init(
        taskUUID: String, taskLevel: [Int], timestamp: Double?, actionType: String, actionStatus: ActionStatus,
        exception: String? = nil, reason: String? = nil, fields: [String: JSONValue] = [:]
    ) {
        self.taskUUID = taskUUID
        self.taskLevel = taskLevel
        self.timestamp = timestamp
        self.actionType = actionType
        self.actionStatus = actionStatus
        self.exception = exception
        self.reason = reason
        self.fields = fields
    }

    /// Whether this is an action's start or end message rather than a standalone message.
    public var isActionMessage: Bool { actionType != nil }

    /// The type shown for this message: ``actionType`` or ``messageType``.
    public var type: String? { actionType ?? messageType }

    /// The failure's type: ``exception``, or the `exception` field where the reader kept it among the others.
    public var exceptionText: String? { exception ?? fields[Key.exception]?.stringValue }

    /// The failure's description: ``reason``, or the `reason` field where the reader kept it among the others.
    public var reasonText: String? { reason ?? fields[Key.reason]?.stringValue }
}

extension EventMessage {
    /// The on-disk field names the model maps to properties.
    public enum Key {
        /// `task_uuid`.
        public static let taskUUID = "task_uuid"
        /// `task_level`.
        public static let taskLevel = "task_level"
        /// `timestamp`.
        public static let timestamp = "timestamp"
        /// `message_type`.
        public static let messageType = "message_type"
        /// `action_type`.
        public static let actionType = "action_type"
        /// `action_status`.
        public static let actionStatus = "action_status"
        /// `exception`.
        public static let exception = "exception"
        /// `reason`.
        public static let reason = "reason"
    }
}
