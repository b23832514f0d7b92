extension TaskNode {
    /// The first timestamp in this subtree, in slot order.
    public var firstTime: Double? {
        first(message: { $0.message.timestamp }, start: { $0.startTime }, end: { $0.endTime })
    }

    /// The first line in this subtree, in slot order.
    public var firstLine: Int? {
        first(message: { $0.line }, start: { $0.startMessage?.line }, end: { $0.endMessage?.line })
    }

    /// The first value found depth first in slot order: a message's own; an action's start's, else the first
    /// found among its children, else its end's.
    ///
    /// A loop over an explicit stack, not recursion, however deep the actions nest; each node is read once (a
    /// `lazy.compactMap(...).first` evaluated the first match twice, which doubled the work at every level of a
    /// tree whose start messages are missing).
    private func first<T>(
        message: (WrittenMessage) -> T?, start: (WrittenAction) -> T?, end: (WrittenAction) -> T?
    ) -> T? {
        var stack: [(action: WrittenAction, next: Int)] = []
        var current: TaskNode? = self
        while true {
            if let node = current {
                current = nil
                switch node {
                case .message(let m):
                    if let value = message(m) { return value }
                case .action(let a):
                    if let value = start(a) { return value }
                    stack.append((a, 0))
                }
            }
            guard let (action, next) = stack.last else { return nil }
            if next < action.children.count {
                stack[stack.count - 1].next += 1
                current = action.children[next]
            } else {
                stack.removeLast()
                if let value = end(action) { return value }
            }
        }
    }
}

extension Int {
    /// `self + other`, or `Int.max` (`Int.min`) where that would overflow: for counts and sums that a crafted
    /// log could push past the range, which must stop growing rather than trap.
    package func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
