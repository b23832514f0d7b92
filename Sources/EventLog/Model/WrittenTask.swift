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

    /// Calls `visit` with every node of the tree and its depth, depth first, in order, the root first: with an
    /// explicit stack, so that a tree of any depth is walked in constant stack.
    public func forEachNode(_ visit: (_ node: TaskNode, _ depth: Int) -> Void) {
        // Each entry is a node still to visit: pushed in reverse, so that children come out in order.
        var stack: [(node: TaskNode, depth: Int)] = [(root, 0)]
        while let (node, depth) = stack.popLast() {
            visit(node, depth)
            if case .action(let a) = node {
                for child in a.children.reversed() { stack.append((child, depth + 1)) }
            }
        }
    }

    /// The number of messages in the tree.
    public var messageCount: Int {
        var count = 0
        forEachNode { node, _ in
            switch node {
            case .message: count += 1
            case .action(let a): count += (a.startMessage == nil ? 0 : 1) + (a.endMessage == nil ? 0 : 1)
            }
        }
        return count
    }

    /// Every action in the tree, depth first, the root first.
    public var allActions: [WrittenAction] {
        var result: [WrittenAction] = []
        forEachNode { node, _ in if case .action(let a) = node { result.append(a) } }
        return result
    }

    /// A task level as eliot-tree writes it: `/2/1`.
    public static func levelText(_ level: [Int]) -> String { "/" + level.map(String.init).joined(separator: "/") }

    /// A plain-text outline, one node per line: `type/level status` indented by depth. Handy in test
    /// failure messages.
    public var outline: String {
        var lines: [String] = []
        forEachNode { node, depth in
            let indent = String(repeating: "  ", count: depth)
            switch node {
            case .message(let m):
                lines.append("\(indent)\(m.message.messageType ?? "<unnamed>")\(Self.levelText(m.taskLevel))")
            case .action(let a):
                let first = a.startMessage?.taskLevel ?? (a.taskLevel + [1])
                let status = a.status?.rawValue ?? "?"
                let open = a.isOpen ? " (open)" : ""
                lines.append("\(indent)\(a.actionType ?? "<unnamed>")\(Self.levelText(first)) \(status)\(open)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
