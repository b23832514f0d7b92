/// An action rebuilt from its messages, as `eliot.parse.WrittenAction`.
///
/// Its start message sits at ``taskLevel`` + `[1]`, its children at the following slots and its end
/// message at the last slot. A placeholder action (one whose start message was never seen) has a `nil`
/// ``startMessage``; an unfinished one has a `nil` ``endMessage`` and ``isOpen`` set.
public struct WrittenAction: Sendable, Hashable {
    /// The task this action belongs to.
    public var taskUUID: String
    /// The action's own level: the prefix of all its messages' levels (`[]` for a task's root action).
    public var taskLevel: [Int]
    /// The start message (`action_status: started`), if it was read.
    public var startMessage: WrittenMessage?
    /// The end message (`succeeded` or `failed`), if it was read.
    public var endMessage: WrittenMessage?
    /// Standalone messages and child actions, ordered by their slot.
    public var children: [TaskNode]
    /// Whether this action and everything below it is complete by eliot.parse's rule: start and end are
    /// present, no slot between them is missing, and every child action is complete.
    public var isComplete: Bool

    /// Creates an action node.
    public init(
        taskUUID: String, taskLevel: [Int], startMessage: WrittenMessage?, endMessage: WrittenMessage?,
        children: [TaskNode], isComplete: Bool
    ) {
        self.taskUUID = taskUUID
        self.taskLevel = taskLevel
        self.startMessage = startMessage
        self.endMessage = endMessage
        self.children = children
        self.isComplete = isComplete
    }

    /// The `action_type`, from the start message (or the end message of a placeholder).
    public var actionType: String? { startMessage?.message.actionType ?? endMessage?.message.actionType }
    /// `succeeded` or `failed` once ended, `started` while open, `nil` for a placeholder with no messages.
    public var status: ActionStatus? {
        endMessage?.message.actionStatus ?? startMessage?.message.actionStatus
    }
    /// Whether the action has no end message yet (it is still running, or the log was cut).
    public var isOpen: Bool {
        // A pattern match reads the optional in place; `== nil` copied the whole message (a tenth of building a
        // chain).
        if case .none = endMessage { true } else { false }
    }
    /// Whether the start message is missing.
    public var isPlaceholder: Bool {
        if case .none = startMessage { true } else { false }
    }
    /// The start message's timestamp.
    public var startTime: Double? { startMessage?.message.timestamp }
    /// The end message's timestamp.
    public var endTime: Double? { endMessage?.message.timestamp }
    /// The `exception` of a failed end message.
    public var exception: String? { endMessage?.message.exception }
    /// The `reason` of a failed end message.
    public var reason: String? { endMessage?.message.reason }

    /// The child actions only.
    public var childActions: [WrittenAction] {
        children.compactMap { if case .action(let a) = $0 { a } else { nil } }
    }

    /// The standalone child messages only.
    public var childMessages: [WrittenMessage] {
        children.compactMap { if case .message(let m) = $0 { m } else { nil } }
    }
}
