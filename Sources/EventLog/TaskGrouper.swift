/// Rebuilds task trees from messages in any order, as `eliot.parse.Parser` does, but more leniently.
///
/// Differences from eliot.parse, all deliberate: a missing start message gives a placeholder action and a
/// ``EventLogError/Code-swift.struct/missingStart`` warning instead of an unnamed node; a message logged after
/// its task's root ended stays in the same task (with a
/// ``EventLogError/Code-swift.struct/messageAfterEnd`` warning) instead of starting a second one; a
/// duplicate level keeps the *first* message and warns; an end message whose type differs from its start's
/// is kept and warned about instead of rejecting the task. Unfinished actions are marked open
/// (``WrittenAction/isOpen``) and incomplete trees ``WrittenTask/isComplete`` `false`.
///
/// Grouping keeps every message in memory until ``finish()``; the reader itself streams.
public struct TaskGrouper: Sendable {
    /// The name used in warnings.
    public let file: String
    /// Problems found so far: duplicates while adding, structural problems after ``finish()``.
    public private(set) var warnings: [EventLogError] = []

    private var order: [String] = []
    private var tasks: [String: [[Int]: WrittenMessage]] = [:]

    /// Creates an empty grouper.
    public init(file: String = "mon.out") {
        self.file = file
    }

    /// Groups a whole stream at once: every message of `reader` into trees, with the reader's warnings
    /// followed by the grouper's.
    public static func group(_ reader: EventLogReader) -> (tasks: [WrittenTask], warnings: [EventLogError]) {
        var grouper = TaskGrouper(file: reader.name)
        var readerWarnings: [EventLogError] = []
        for entry in reader {
            switch entry {
            case .message(let message, let line): grouper.add(message, line: line)
            case .warning(let warning): readerWarnings.append(warning)
            }
        }
        let tasks = grouper.finish()
        return (tasks, readerWarnings + grouper.warnings)
    }

    /// Groups messages that never were in a file (for example a ``MemoryDestination``'s).
    public static func group(_ messages: some Sequence<EventMessage>) -> [WrittenTask] {
        var grouper = TaskGrouper()
        for message in messages { grouper.add(message) }
        return grouper.finish()
    }

    /// Adds one message.
    public mutating func add(_ message: EventMessage, line: Int? = nil) {
        let uuid = message.taskUUID
        if tasks[uuid] == nil {
            order.append(uuid)
            tasks[uuid] = [:]
        }
        if let existing = tasks[uuid]![message.taskLevel] {
            let first = existing.line.map { " (first at line \($0))" } ?? ""
            warnings.append(
                EventLogError(
                    code: .duplicateLevel, file: file, line: line,
                    message: "task \(uuid) already has a message at \(Self.text(message.taskLevel))\(first)"))
            return
        }
        tasks[uuid]![message.taskLevel] = WrittenMessage(message: message, line: line)
    }

    /// Builds the trees, in order of each task's first message, and appends structural warnings.
    public mutating func finish() -> [WrittenTask] {
        var result: [WrittenTask] = []
        result.reserveCapacity(order.count)
        for uuid in order {
            result.append(build(uuid: uuid, messages: tasks[uuid]!))
        }
        return result
    }

    private final class Builder {
        let level: [Int]
        var start: WrittenMessage?
        var end: WrittenMessage?
        var actions: [Int: Builder] = [:]
        var messages: [Int: WrittenMessage] = [:]

        init(level: [Int]) { self.level = level }
    }

    static func text(_ level: [Int]) -> String { "/" + level.map(String.init).joined(separator: "/") }

    private mutating func build(uuid: String, messages: [[Int]: WrittenMessage]) -> WrittenTask {
        if messages.count == 1, let only = messages[[1]], !only.message.isActionMessage {
            return WrittenTask(taskUUID: uuid, root: .message(only), isComplete: true)
        }
        let root = Builder(level: [])
        func builder(at level: ArraySlice<Int>) -> Builder {
            var node = root
            for (depth, slot) in level.enumerated() {
                if let child = node.actions[slot] {
                    node = child
                } else {
                    let child = Builder(level: Array(level.prefix(depth + 1)))
                    node.actions[slot] = child
                    node = child
                }
            }
            return node
        }
        // Sorted so that the "first" of two conflicting start or end messages is deterministic.
        for (level, written) in messages.sorted(by: { Self.lineOrder($0.value, $1.value) }) {
            let owner = builder(at: level.dropLast())
            guard let status = written.message.actionStatus, written.message.isActionMessage else {
                owner.messages[level.last!] = written
                continue
            }
            if status == .started {
                if level.last != 1 {
                    warn(.misplacedStatus, written, "start message at \(Self.text(level)) does not end in 1")
                }
                if owner.start == nil { owner.start = written } else { owner.messages[level.last!] = written }
            } else {
                if level.last == 1 {
                    warn(.misplacedStatus, written, "end message at \(Self.text(level)) ends in 1")
                }
                if owner.end == nil { owner.end = written } else { owner.messages[level.last!] = written }
            }
        }
        let action = assemble(root, uuid: uuid)
        return WrittenTask(taskUUID: uuid, root: .action(action), isComplete: action.isComplete)
    }

    private static func lineOrder(_ a: WrittenMessage, _ b: WrittenMessage) -> Bool {
        switch (a.line, b.line) {
        case (let x?, let y?) where x != y: return x < y
        default: return a.taskLevel.lexicographicallyPrecedes(b.taskLevel)
        }
    }

    private mutating func warn(_ code: EventLogError.Code, _ message: WrittenMessage, _ text: String) {
        warnings.append(
            EventLogError(
                code: code, file: file, line: message.line, message: "task \(message.message.taskUUID): \(text)"))
    }

    private mutating func assemble(_ node: Builder, uuid: String) -> WrittenAction {
        var slots: [(Int, TaskNode)] = []
        var complete = true
        for (slot, message) in node.messages { slots.append((slot, .message(message))) }
        for (slot, child) in node.actions {
            let action = assemble(child, uuid: uuid)
            if !action.isComplete { complete = false }
            slots.append((slot, .action(action)))
        }
        slots.sort { $0.0 < $1.0 }
        let here = Self.text(node.level)
        if node.start == nil {
            complete = false
            warnings.append(
                EventLogError(
                    code: .missingStart, file: file, line: nil,
                    message: "task \(uuid): the action at \(here == "/" ? "the root" : here) has no start message"))
        }
        if let start = node.start, let end = node.end, start.message.actionType != end.message.actionType {
            warn(
                .wrongActionType, end,
                "end message type '\(end.message.actionType ?? "")' differs from start type "
                    + "'\(start.message.actionType ?? "")'")
        }
        if let end = node.end {
            let endSlot = end.taskLevel.last!
            for (slot, child) in slots where slot > endSlot {
                let line = Self.firstLine(of: child)
                warnings.append(
                    EventLogError(
                        code: .messageAfterEnd, file: file, line: line,
                        message: "task \(uuid): \(Self.text(child.taskLevel)) comes after its action's end"))
                complete = false
            }
            let present = Set(slots.map(\.0))
            let missing = (2..<max(endSlot, 2)).filter { !present.contains($0) }
            if !missing.isEmpty {
                complete = false
                let where_ = missing.prefix(5).map { Self.text(node.level + [$0]) }.joined(separator: ", ")
                warnings.append(
                    EventLogError(
                        code: .gap, file: file, line: nil,
                        message: "task \(uuid): no message at \(where_)\(missing.count > 5 ? ", ..." : "")"))
            }
        } else {
            complete = false
        }
        return WrittenAction(
            taskUUID: uuid, taskLevel: node.level, startMessage: node.start, endMessage: node.end,
            children: slots.map(\.1), isComplete: complete)
    }

    private static func firstLine(of node: TaskNode) -> Int? {
        switch node {
        case .message(let m): return m.line
        case .action(let a):
            return a.startMessage?.line ?? a.children.lazy.compactMap { firstLine(of: $0) }.first ?? a.endMessage?.line
        }
    }
}
