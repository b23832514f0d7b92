public import EventLog

/// What eliot.parse can say of one task, computed the way it computes it: the root's status, whether the task
/// is complete, its duration, its failed and open actions and its tracebacks. `summary --json` writes these per
/// task (schema 2), and the oracle tests compare them with eliot.parse's.
public struct TaskFacts: Sendable, Hashable, Encodable {
    /// An action that ended with `action_status: failed`.
    public struct FailedAction: Sendable, Hashable, Encodable {
        /// Its `action_type`.
        public var actionType: String?
        /// The action's level (eliot.parse's `WrittenAction.task_level`: `[]` for the root).
        public var taskLevel: [Int]
        /// The end message's `exception`.
        public var exception: String?
        /// The end message's `reason`.
        public var reason: String?

        enum CodingKeys: String, CodingKey {
            case actionType = "action_type", taskLevel = "task_level", exception, reason
        }

        /// Writes every key, `null` for what the log does not say.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(actionType, forKey: .actionType)
            try c.encode(taskLevel, forKey: .taskLevel)
            try c.encode(exception, forKey: .exception)
            try c.encode(reason, forKey: .reason)
        }
    }

    /// An action whose end message is not in the log.
    public struct OpenAction: Sendable, Hashable, Encodable {
        /// Its `action_type`, when its start message was read.
        public var actionType: String?
        /// The action's level.
        public var taskLevel: [Int]

        enum CodingKeys: String, CodingKey {
            case actionType = "action_type", taskLevel = "task_level"
        }

        /// Writes both keys, `null` for an unknown type.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(actionType, forKey: .actionType)
            try c.encode(taskLevel, forKey: .taskLevel)
        }
    }

    /// The task's `task_uuid`.
    public var taskUUID: String
    /// The root action's `action_type`, or the lone message's `message_type`.
    public var rootType: String?
    /// The root action's status (`started` while it has no end message); `nil` when the task is one message.
    public var status: ActionStatus?
    /// eliot.parse's rule: the root ended, no action below it is open and no message is missing (a lone message
    /// always is).
    public var complete: Bool
    /// The root's first timestamp (its start message, or the lone message's).
    public var start: Double?
    /// The root action's end timestamp (the lone message's own timestamp).
    public var end: Double?
    /// The number of messages in the task.
    public var messages: Int
    /// Every failed action, depth first, parents before children.
    public var failedActions: [FailedAction]
    /// Messages of type `eliot:traceback`.
    public var tracebackMessages: Int
    /// Every action that never ended, depth first.
    public var openActions: [OpenAction]

    /// End minus start, only for a complete task whose root is an action; `nil` otherwise.
    public var duration: Double? {
        guard complete, status != nil, let start, let end else { return nil }
        return end - start
    }

    /// The facts of a task rebuilt from its messages.
    public init(_ task: WrittenTask) {
        self.init(root: task)
        if case .action(let root) = task.root {
            for child in root.children { note(child) }
        }
    }

    /// The facts of the task's root alone (its status, times and its own messages): a reader that walks the
    /// tree anyway notes each node below the root with ``note(message:)`` and ``note(action:)`` (or ``note(_:)``
    /// for a whole subtree) and gets the same facts as ``init(_:)`` without a second walk.
    public init(root task: WrittenTask) {
        taskUUID = task.taskUUID
        complete = task.isComplete
        messages = 0
        failedActions = []
        openActions = []
        tracebackMessages = 0
        switch task.root {
        case .message(let written):
            rootType = written.message.messageType
            status = nil
            start = written.message.timestamp
            end = written.message.timestamp
            note(message: written.message)
        case .action(let root):
            rootType = root.actionType
            status = root.isOpen ? .started : root.status
            start = root.startTime
            end = root.endTime
            note(action: root)
        }
    }

    /// Notes a standalone message of the task.
    public mutating func note(message: EventMessage) {
        messages += 1
        if message.messageType == EventLogFormat.tracebackMessageType { tracebackMessages += 1 }
    }

    /// Notes an action's own start and end (not its children): whether it failed or never ended.
    public mutating func note(action: WrittenAction) {
        let isOpen = action.isOpen
        messages += (action.isPlaceholder ? 0 : 1) + (isOpen ? 0 : 1)
        if isOpen {
            openActions.append(OpenAction(actionType: action.actionType, taskLevel: action.taskLevel))
        } else if action.status == .failed {
            failedActions.append(
                FailedAction(
                    actionType: action.actionType, taskLevel: action.taskLevel, exception: action.exception,
                    reason: action.reason))
        }
    }

    /// Notes a node below the root and everything below it, depth first (a loop, not recursion, however deep
    /// the actions nest).
    public mutating func note(_ node: TaskNode) {
        var stack = [node]
        while let node = stack.popLast() {
            switch node {
            case .message(let written):
                note(message: written.message)
            case .action(let action):
                note(action: action)
                stack += action.children.reversed()
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case taskUUID = "task_uuid", rootType = "root_type", status, complete, start, end, duration, messages
        case failedActions = "failed_actions", tracebackMessages = "traceback_messages", openActions = "open_actions"
    }

    /// Writes every fact, `null` for what is unknown (never omitted), and the duration.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(taskUUID, forKey: .taskUUID)
        try c.encode(rootType, forKey: .rootType)
        try c.encode(status?.rawValue, forKey: .status)
        try c.encode(complete, forKey: .complete)
        try c.encodeFinite(start, forKey: .start)
        try c.encodeFinite(end, forKey: .end)
        try c.encodeFinite(duration, forKey: .duration)
        try c.encode(messages, forKey: .messages)
        try c.encode(failedActions, forKey: .failedActions)
        try c.encode(tracebackMessages, forKey: .tracebackMessages)
        try c.encode(openActions, forKey: .openActions)
    }
}

extension TaskFacts {
    /// The facts of a task of the plainest shape, without its tree: exactly those ``init(_:)`` gives for the tree
    /// ``EventLog/TaskGrouper`` would build of it, given the brief task kept `exception` and `reason` among its
    /// fields.
    ///
    /// - Parameters:
    ///   - task: The task.
    ///   - exception: The index of `exception` among the fields the task keeps.
    ///   - reason: The index of `reason` among them.
    init(brief task: BriefTask, exception: Int, reason: Int) {
        let first = task.first
        taskUUID = task.taskUUID
        rootType = first.type
        complete = true
        start = first.timestamp
        failedActions = []
        openActions = []
        tracebackMessages = 0
        messages = 0
        func failure(_ type: String?, _ level: [Int], _ end: BriefMessage) -> FailedAction {
            FailedAction(
                actionType: type, taskLevel: level, exception: task.value(exception, of: end).stringValue,
                reason: task.value(reason, of: end).stringValue)
        }
        guard let rootEnd = task.rootEnd else {
            status = nil
            end = first.timestamp
            messages = 1
            if first.type == EventLogFormat.tracebackMessageType { tracebackMessages = 1 }
            return
        }
        status = rootEnd.status
        end = rootEnd.timestamp
        messages = 2
        if rootEnd.status == .failed { failedActions.append(failure(first.type, [], rootEnd)) }
        // The children are at /2, /3... in order: an action's level is its slot.
        for (k, child) in task.children.enumerated() {
            switch child {
            case .message(let m):
                messages += 1
                if m.type == EventLogFormat.tracebackMessageType { tracebackMessages += 1 }
            case .action(let s, let e):
                messages += 2
                if e.status == .failed { failedActions.append(failure(s.type, [k + 2], e)) }
            }
        }
    }
}
