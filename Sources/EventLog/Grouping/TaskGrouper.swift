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
/// By default grouping keeps every message in memory until ``finish()``. A grouper created with
/// `handsOutCompletedTasks` instead returns each task from ``add(_:line:)`` as soon as it is complete (its root
/// action ended with no slot missing, or it is a lone message at `/1`) and forgets it, as eliot.parse does, so
/// memory holds only the tasks still open. The one difference that makes: a message arriving for a task that
/// was already handed out starts a new task (with a placeholder root, so a
/// ``EventLogError/Code-swift.struct/missingStart`` warning) instead of joining the old one.
public struct TaskGrouper: Sendable {
    /// The name used in warnings.
    public let file: String
    /// Whether ``add(_:line:)`` hands out each task as soon as it is complete.
    public let handsOutCompletedTasks: Bool
    /// Problems found so far: duplicates while adding, structural problems as tasks are built (when handed out,
    /// or in ``finish()``).
    public internal(set) var warnings: [EventLogError] = []

    // One open task: its messages by level, its place in first-message order, and the counts that tell
    // cheaply whether it may be complete.
    private struct OpenTask {
        var ordinal: Int
        var messages: [[Int]: WrittenMessage] = [:]
        /// End messages seen, and the sum of their last slots.
        var ends = 0
        var endSlots = 0
        var rootEnded = false

        init(ordinal: Int) { self.ordinal = ordinal }

        // A complete tree has one end message per action, and every action with its end at slot e holds
        // e slots, each a message except the slots taken by child actions; so it holds exactly
        // Σe − (actions − 1) messages. A necessary condition only: the build decides.
        var mayBeComplete: Bool {
            if messages.count == 1, let only = messages[[1]], !only.message.isActionMessage { return true }
            return rootEnded && messages.count == endSlots - (ends - 1)
        }
    }

    private var tasks: [String: OpenTask] = [:]
    private var nextOrdinal = 0

    /// Creates an empty grouper.
    ///
    /// - Parameters:
    ///   - file: The name used in warnings.
    ///   - handsOutCompletedTasks: Whether ``add(_:line:)`` returns (and forgets) each task once complete.
    public init(file: String = "mon.out", handsOutCompletedTasks: Bool = false) {
        self.file = file
        self.handsOutCompletedTasks = handsOutCompletedTasks
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

    /// The number of tasks not yet handed out.
    public var openTaskCount: Int { tasks.count }

    /// Adds one message.
    ///
    /// - Returns: With `handsOutCompletedTasks`, the task this message completed, with its ordinal (its place
    ///   among all tasks in order of first message, from 0); otherwise `nil`.
    @discardableResult
    public mutating func add(_ message: consuming EventMessage, line: Int? = nil) -> (ordinal: Int, task: WrittenTask)? {
        let uuid = message.taskUUID
        let level = message.taskLevel
        var index = tasks.index(forKey: uuid)
        if index == nil {
            tasks[uuid] = OpenTask(ordinal: nextOrdinal)
            nextOrdinal += 1
            index = tasks.index(forKey: uuid)
        }
        if let existing = tasks.values[index!].messages[level] {
            let first = existing.line.map { " (first at line \($0))" } ?? ""
            warnings.append(
                EventLogError(
                    code: .duplicateLevel, file: file, line: line,
                    message: "task \(uuid) already has a message at \(Self.text(level))\(first)"))
            return nil
        }
        // The task's messages share one copy of its id (the table's key), not one each. Taken, not copied: the
        // message's box is then its own, and setting the id does not copy it.
        let ends = message.isActionMessage && message.actionStatus.map { $0 != .started } == true
        message.taskUUID = tasks.keys[index!]
        tasks.values[index!].messages[level] = WrittenMessage(message: message, line: line)
        if ends, let slot = level.last {
            tasks.values[index!].ends += 1
            // Saturating: end slots summing past Int.max (a crafted level) leave the task incomplete, not a trap.
            tasks.values[index!].endSlots = tasks.values[index!].endSlots.addingSaturating(slot)
            if level.count == 1 { tasks.values[index!].rootEnded = true }
        }
        guard handsOutCompletedTasks, tasks.values[index!].mayBeComplete else { return nil }
        let open = tasks.values[index!]
        let warningCount = warnings.count
        let task = build(uuid: uuid, messages: open.messages)
        guard task.isComplete else {
            // Not complete after all (a damaged tree): its warnings come when it is, or in finish().
            warnings.removeSubrange(warningCount...)
            return nil
        }
        tasks.remove(at: index!)
        return (open.ordinal, task)
    }

    /// Builds the trees of every task not handed out yet, in order of each task's first message, appends
    /// their structural warnings, and empties the grouper.
    public mutating func finish() -> [WrittenTask] {
        finishNumbered().map(\.task)
    }

    /// ``finish()``, with each task's ordinal (its place among all tasks in order of first message).
    public mutating func finishNumbered() -> [(ordinal: Int, task: WrittenTask)] {
        var result: [(ordinal: Int, task: WrittenTask)] = []
        result.reserveCapacity(tasks.count)
        finishEach { result.append(($0, $1)) }
        return result
    }

    /// ``finishNumbered()``, handing each task to `each` as soon as its tree is built and letting go of what the
    /// grouper held for it: only one tree at a time is built, however many tasks are still open.
    public mutating func finishEach(_ each: (_ ordinal: Int, _ task: WrittenTask) -> Void) {
        finishEach { ordinal, task, _ in each(ordinal, task) }
    }

    /// As ``finishEach(_:)``, with the lines of every message each task holds (whether or not its tree places
    /// them): what a followed log keeps of the tasks still open.
    package mutating func finishEach(_ each: (_ ordinal: Int, _ task: WrittenTask, _ lines: [Int]) -> Void) {
        // Last first, so that each task is taken off the end as it is built.
        var open = tasks.sorted { $0.value.ordinal > $1.value.ordinal }
        tasks = [:]
        while let (uuid, task) = open.popLast() {
            each(task.ordinal, build(uuid: uuid, messages: task.messages), task.messages.values.compactMap(\.line))
        }
    }

    private final class Builder {
        let level: [Int]
        var start: WrittenMessage?
        var end: WrittenMessage?
        var actions: [Int: Builder] = [:]
        var messages: [Int: WrittenMessage] = [:]

        init(level: [Int]) { self.level = level }
    }

    static func text(_ level: [Int]) -> String { WrittenTask.levelText(level) }

    mutating func build(uuid: String, messages: [[Int]: WrittenMessage]) -> WrittenTask {
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
        // Sorted by line (then level) so that the "first" of two conflicting start or end messages is
        // deterministic.
        // (Indices are sorted by plain keys, not the messages: moving or copying those was a tenth of the time
        // of `reactortrack summary`.)
        let entries = Array(messages)
        let lines = entries.map(\.value.line)
        let levels = entries.map(\.key)
        let sorted = entries.indices.sorted { a, b in
            if let x = lines[a], let y = lines[b], x != y { return x < y }
            return levels[a].lexicographicallyPrecedes(levels[b])
        }
        for (level, written) in sorted.lazy.map({ entries[$0] }) {
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

    private mutating func warn(_ code: EventLogError.Code, _ message: WrittenMessage, _ text: String) {
        warnings.append(
            EventLogError(
                code: code, file: file, line: message.line, message: "task \(message.message.taskUUID): \(text)"))
    }

    /// The action of `root` and everything below it, each action after the actions inside it (their warnings
    /// first). A loop over an explicit stack, not recursion, however deep the levels go.
    private mutating func assemble(_ root: Builder, uuid: String) -> WrittenAction {
        struct Frame {
            let node: Builder
            let actions: [(Int, Builder)]
            var next = 0
            var slots: [(Int, TaskNode)] = []
            var complete = true

            init(_ node: Builder) {
                self.node = node
                actions = Array(node.actions)
                for (slot, message) in node.messages { slots.append((slot, .message(message))) }
            }
        }
        var stack = [Frame(root)]
        while true {
            let top = stack.count - 1
            if stack[top].next < stack[top].actions.count {
                let child = stack[top].actions[stack[top].next].1
                stack[top].next += 1
                stack.append(Frame(child))
                continue
            }
            let frame = stack.removeLast()
            let action = finish(frame.node, slots: frame.slots, complete: frame.complete, uuid: uuid)
            guard let parent = stack.indices.last else { return action }
            if !action.isComplete { stack[parent].complete = false }
            stack[parent].slots.append((stack[parent].actions[stack[parent].next - 1].0, .action(action)))
        }
    }

    /// The action of `node`, given what is inside it, with the warnings about it.
    private mutating func finish(_ node: Builder, slots: [(Int, TaskNode)], complete: Bool, uuid: String)
        -> WrittenAction
    {
        var slots = slots
        var complete = complete
        slots.sort { $0.0 < $1.0 }
        if node.start == nil {
            complete = false
            let here = Self.text(node.level)
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
            // Slots are sorted and distinct: none is missing when 2..<endSlot are exactly the first ones.
            let inside = slots.prefix { $0.0 < endSlot }
            let contiguous = inside.count == max(endSlot - 2, 0) && (inside.first.map { $0.0 == 2 } ?? true)
            let missing = contiguous ? (first: [], count: 0) : SlotGaps.missing(in: slots.lazy.map(\.0), below: endSlot)
            if missing.count > 0 {
                complete = false
                let where_ = missing.first.map { Self.text(node.level + [$0]) }.joined(separator: ", ")
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
            return TaskNode.action(a).firstLine
        }
    }
}
