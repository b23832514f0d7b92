/// One task (one `task_uuid`) rebuilt into a tree.
public struct WrittenTask: Sendable, Hashable {
    /// The task id.
    public var taskUUID: String
    /// The root: a single standalone message at `[1]`, or the action at level `[]` (a placeholder if the
    /// task's first start message is missing).
    public var root: TaskNode
    /// Whether the whole tree is complete (a lone root message always is).
    public var isComplete: Bool

    /// Creates a task.
    public init(taskUUID: String, root: TaskNode, isComplete: Bool) {
        self.taskUUID = taskUUID
        self.root = root
        self.isComplete = isComplete
    }

    /// The number of messages in the tree.
    public var messageCount: Int {
        func count(_ node: TaskNode) -> Int {
            switch node {
            case .message: return 1
            case .action(let a):
                return (a.startMessage == nil ? 0 : 1) + (a.endMessage == nil ? 0 : 1)
                    + a.children.reduce(0) { $0 + count($1) }
            }
        }
        return count(root)
    }

    /// Every action in the tree, depth first, the root first.
    public var allActions: [WrittenAction] {
        var result: [WrittenAction] = []
        func visit(_ node: TaskNode) {
            guard case .action(let a) = node else { return }
            result.append(a)
            a.children.forEach(visit)
        }
        visit(root)
        return result
    }

    /// A task level as eliot-tree writes it: `/2/1`.
    public static func levelText(_ level: [Int]) -> String { "/" + level.map(String.init).joined(separator: "/") }

    /// A plain-text outline, one node per line: `type/level status` indented by depth. Handy in test
    /// failure messages.
    public var outline: String {
        var lines: [String] = []
        func visit(_ node: TaskNode, depth: Int) {
            let indent = String(repeating: "  ", count: depth)
            switch node {
            case .message(let m):
                lines.append("\(indent)\(m.message.messageType ?? "<unnamed>")\(Self.levelText(m.taskLevel))")
            case .action(let a):
                let first = a.startMessage?.taskLevel ?? (a.taskLevel + [1])
                let status = a.status?.rawValue ?? "?"
                let open = a.isOpen ? " (open)" : ""
                lines.append("\(indent)\(a.actionType ?? "<unnamed>")\(Self.levelText(first)) \(status)\(open)")
                for child in a.children { visit(child, depth: depth + 1) }
            }
        }
        visit(root, depth: 0)
        return lines.joined(separator: "\n")
    }
}
