/// Gives the task-wide warnings of ``EventLog/TaskGrouper`` a file and a line, and adds one warning per task
/// whose actions never ended.
///
/// The grouper reports a missing start message or a gap without a line (it is about a task, not a line), and
/// numbers merged inputs as one stream. Here each problem is pinned to a line a reader can open: the first
/// message of an action without a start, the message right after a gap, the start of an unfinished action.
enum TaskWarnings {
    /// The grouper's own warnings, each with the file and line of its input (those about a whole task without a
    /// line are left to ``unfinished(in:map:)``, which places them).
    static func locate(_ warnings: [EventLogError], map: LineMap) -> [EventLogError] {
        var result: [EventLogError] = []
        for warning in warnings {
            if warning.line == nil && (warning.code == .gap || warning.code == .missingStart) { continue }
            var located = warning
            let place = map.locate(warning.line)
            located.file = place.file
            located.line = place.line
            result.append(located)
        }
        return result
    }

    /// The located warnings about one task still open at the end: missing start messages, gaps, and the actions
    /// that never ended.
    static func unfinished(in task: WrittenTask, map: LineMap) -> [EventLogError] {
        guard case .action(let root) = task.root else { return [] }
        // A chain tracked before a flight record began misses its earlier messages, and says so (`cut_at`): its
        // gaps and run ends without a start are what that means, not damage.
        let isCut =
            root.actionType == MonitorVocabulary.deferredAction
            && root.startMessage?.message.fields[MonitorVocabulary.Field.cutAt] != nil
        var result: [EventLogError] = []
        var open: [WrittenAction] = []
        // Depth first with an explicit stack (constant stack however deep the tree), children in order.
        var stack = [root]
        while let action = stack.popLast() {
            check(action, task: task.taskUUID, map: map, into: &result, open: &open, cut: isCut)
            stack.append(contentsOf: action.childActions.reversed())
        }
        let unfinished = open.filter { !($0.taskLevel.isEmpty && $0.actionType == MonitorVocabulary.deferredAction) }
        if let first = unfinished.first {
            let names = unfinished.prefix(3).map { "\($0.actionType ?? "?") at \(level($0))" }
            let more = unfinished.count > 3 ? ", ..." : ""
            let place = map.locate(first.startMessage?.line ?? TaskNode.action(first).firstLine)
            let count = unfinished.count == 1 ? "an action never ended" : "\(unfinished.count) actions never ended"
            result.append(
                EventLogError(
                    code: .gap, file: place.file, line: place.line,
                    message: "task \(task.taskUUID): \(count): \(names.joined(separator: ", "))\(more)"))
        }
        return result
    }

    private static func level(_ action: WrittenAction) -> String {
        WrittenTask.levelText(action.startMessage?.taskLevel ?? (action.taskLevel + [1]))
    }

    /// The warnings of one action (not its children): no start message, a gap among its children, or open (in a
    /// `cut` chain, only open).
    private static func check(
        _ action: WrittenAction, task: String, map: LineMap, into result: inout [EventLogError],
        open: inout [WrittenAction], cut: Bool
    ) {
        let here = action.taskLevel.isEmpty ? "the root" : WrittenTask.levelText(action.taskLevel)
        if action.isPlaceholder {
            guard !cut else { return }
            let place = map.locate(TaskNode.action(action).firstLine)
            result.append(
                EventLogError(
                    code: .missingStart, file: place.file, line: place.line,
                    message: "task \(task): the action at \(here) (\(action.actionType ?? "?")) has no start message"))
        } else if action.isOpen {
            open.append(action)
        }
        if !cut, let end = action.endMessage, let endSlot = end.taskLevel.last {
            let slots = action.children.compactMap { $0.taskLevel.count > action.taskLevel.count ? $0.taskLevel[action.taskLevel.count] : nil }
            let missing = SlotGaps.missing(in: slots, below: endSlot)
            if let firstMissing = missing.first.first {
                let after = action.children.first { child in
                    child.taskLevel.count > action.taskLevel.count && child.taskLevel[action.taskLevel.count] > firstMissing
                }
                let line = after?.firstLine ?? end.line
                let place = map.locate(line)
                let names = missing.first.map { WrittenTask.levelText(action.taskLevel + [$0]) }.joined(separator: ", ")
                result.append(
                    EventLogError(
                        code: .gap, file: place.file, line: place.line,
                        message: "task \(task): no message at \(names)\(missing.count > 5 ? ", ..." : "") (lost before this line)"))
            }
        }
    }
}
