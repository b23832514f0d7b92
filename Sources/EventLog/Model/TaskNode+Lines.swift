extension TaskNode {
    /// The first timestamp in this subtree, in slot order.
    public var firstTime: Double? {
        switch self {
        case .message(let m): return m.message.timestamp
        case .action(let a):
            return a.startTime ?? a.children.lazy.compactMap(\.firstTime).first ?? a.endTime
        }
    }

    /// The first line in this subtree, in slot order.
    public var firstLine: Int? {
        switch self {
        case .message(let m): return m.line
        case .action(let a):
            return a.startMessage?.line ?? a.children.lazy.compactMap(\.firstLine).first ?? a.endMessage?.line
        }
    }
}
