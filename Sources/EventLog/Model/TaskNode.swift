/// A node of a rebuilt task tree: a standalone message or an action.
public enum TaskNode: Sendable, Hashable {
    /// A standalone message (`message_type`).
    case message(WrittenMessage)
    /// An action with its start/end messages and children.
    indirect case action(WrittenAction)

    /// The node's level: a message's own `task_level`, or an action's prefix level.
    public var taskLevel: [Int] {
        switch self {
        case .message(let m): m.taskLevel
        case .action(let a): a.taskLevel
        }
    }

    /// The message or action type.
    public var type: String? {
        switch self {
        case .message(let m): m.message.messageType
        case .action(let a): a.actionType
        }
    }

    /// The action, if this node is one.
    public var action: WrittenAction? {
        if case .action(let a) = self { return a }
        return nil
    }

    /// The message, if this node is one.
    public var message: WrittenMessage? {
        if case .message(let m) = self { return m }
        return nil
    }
}
