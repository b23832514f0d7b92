/// One line of `mon.out`: an Eliot message.
///
/// The fields Eliot and eliot.parse give a meaning to are properties; everything else is in ``fields``.
/// On disk the names are Eliot's snake_case ones (`task_uuid`, `task_level`, `action_type`, ...).
public struct EventMessage: Sendable, Hashable {
    /// `task_uuid`: the task (tree) this message belongs to. Usually a UUID, but any string is accepted.
    public var taskUUID: String {
        get { storage.fields.taskUUID }
        _modify { yield &unique.fields.taskUUID }
    }
    /// `task_level`: the message's position in the task's tree, a non-empty list of integers ≥ 1.
    public var taskLevel: [Int] {
        get { storage.fields.taskLevel }
        _modify { yield &unique.fields.taskLevel }
    }
    /// `timestamp`: Unix seconds. `nil` only for a message read from a log that lacked it.
    public var timestamp: Double? {
        get { storage.fields.timestamp }
        _modify { yield &unique.fields.timestamp }
    }
    /// `message_type`: set on a standalone message.
    public var messageType: String? {
        get { storage.fields.messageType }
        _modify { yield &unique.fields.messageType }
    }
    /// `action_type`: set on an action's start and end messages.
    public var actionType: String? {
        get { storage.fields.actionType }
        _modify { yield &unique.fields.actionType }
    }
    /// `action_status`: set together with ``actionType``.
    public var actionStatus: ActionStatus? {
        get { storage.fields.actionStatus }
        _modify { yield &unique.fields.actionStatus }
    }
    /// `exception`: the error's type name on a failed end message (and on `eliot:traceback`).
    public var exception: String? {
        get { storage.fields.exception }
        _modify { yield &unique.fields.exception }
    }
    /// `reason`: the error's description on a failed end message.
    public var reason: String? {
        get { storage.fields.reason }
        _modify { yield &unique.fields.reason }
    }
    /// Every other field, keyed by its on-disk name.
    public var fields: [String: JSONValue] {
        get { storage.fields.fields }
        _modify { yield &unique.fields.fields }
    }

    /// The fields, shared by every copy of the message until one copy changes them (copy on write): a task's
    /// messages are held by level, then sorted, then placed in its tree, and a task of a million messages held
    /// four copies of each message's ~130 bytes; a copy costs one reference.
    private var storage: Storage

    /// The stored fields of a message.
    private struct Fields: Hashable {
        var taskUUID: String
        var taskLevel: [Int]
        var timestamp: Double?
        var messageType: String?
        var actionType: String?
        var actionStatus: ActionStatus?
        var exception: String?
        var reason: String?
        var fields: [String: JSONValue]
    }

    /// `@unchecked Sendable`: ``fields`` is written only through ``unique``, that is only while this message is
    /// the one reference to the box, so a box that two copies (and perhaps two threads) share is never written.
    private final class Storage: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    /// The box, first copied if another message shares it.
    private var unique: Storage {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
            return storage
        }
    }

    public static func == (lhs: EventMessage, rhs: EventMessage) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) { storage.fields.hash(into: &hasher) }

    /// Creates a standalone message (`message_type`).
    public init(
        taskUUID: String, taskLevel: [Int], timestamp: Double?, messageType: String?,
        fields: [String: JSONValue] = [:]
    ) {
        storage = Storage(
            Fields(
                taskUUID: taskUUID,
                taskLevel: taskLevel,
                timestamp: timestamp,
                messageType: messageType,
                fields: fields))
    }

    /// Creates an action's start or end message (`action_type` and `action_status`).
    public init(
        taskUUID: String, taskLevel: [Int], timestamp: Double?, actionType: String, actionStatus: ActionStatus,
        exception: String? = nil, reason: String? = nil, fields: [String: JSONValue] = [:]
    ) {
        storage = Storage(
            Fields(
                taskUUID: taskUUID,
                taskLevel: taskLevel,
                timestamp: timestamp,
                actionType: actionType,
                actionStatus: actionStatus,
                exception: exception,
                reason: reason,
                fields: fields))
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
