extension TaskNode {
    /// The first timestamp in this subtree, in slot order.
    public var firstTime: Double? {
        switch self {
        case .message(let m): return m.message.timestamp
        case .action(let a):
            if let time = a.startTime { return time }
            // A loop, not `lazy.compactMap(...).first`, which evaluates the first match twice: that doubled the
            // work at every level of a tree whose start messages are missing.
            for child in a.children { if let time = child.firstTime { return time } }
            return a.endTime
        }
    }

    /// The first line in this subtree, in slot order.
    public var firstLine: Int? {
        switch self {
        case .message(let m): return m.line
        case .action(let a):
            if let line = a.startMessage?.line { return line }
            for child in a.children { if let line = child.firstLine { return line } }
            return a.endMessage?.line
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
