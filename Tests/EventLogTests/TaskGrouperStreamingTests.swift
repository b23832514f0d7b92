import EventLog
import Foundation
import Testing

@Suite("Task grouper handing out completed tasks")
struct TaskGrouperStreamingTests {
    /// Feeds `messages` to a streaming grouper; returns what each add handed out (by message index), the rest
    /// from finishNumbered, and the warnings.
    func stream(_ messages: [(EventMessage, Int?)]) -> (
        handedOut: [(at: Int, ordinal: Int, task: WrittenTask)], rest: [(ordinal: Int, task: WrittenTask)],
        warnings: [EventLogError], openAtEnd: Int
    ) {
        var grouper = TaskGrouper(file: "x", handsOutCompletedTasks: true)
        var handedOut: [(at: Int, ordinal: Int, task: WrittenTask)] = []
        for (i, (message, line)) in messages.enumerated() {
            if let (ordinal, task) = grouper.add(message, line: line) { handedOut.append((i, ordinal, task)) }
        }
        let open = grouper.openTaskCount
        let rest = grouper.finishNumbered()
        return (handedOut, rest, grouper.warnings, open)
    }

    func read(_ name: String) throws -> [(EventMessage, Int?)] {
        try EventLogReader(path: Fixtures.path(name)).readAll().messages.map { ($0.message, $0.line) }
    }

    static let inputs = [
        "twisted-eliot.log", "broken/shuffled.log", "broken/dropped-message-gap.log", "broken/duplicate-line.log",
        "broken/missing-start-message.log", "broken/truncated-at-line-boundary.log", "broken/truncated-mid-line.log",
        "broken/wrong-end-action-type.log", "broken/missing-timestamp.log",
    ]

    @Test("hands out every complete task once, and the trees and warnings are those of the whole-log grouping",
          arguments: inputs)
    func sameTrees(name: String) throws {
        let messages = try read(name)
        var whole = TaskGrouper(file: "x")
        for (message, line) in messages { whole.add(message, line: line) }
        let expected = whole.finish()
        let (handedOut, rest, warnings, _) = stream(messages)
        #expect(handedOut.allSatisfy { $0.task.isComplete })
        #expect(rest.allSatisfy { !$0.task.isComplete })
        let streamed = (handedOut.map { ($0.ordinal, $0.task) } + rest).sorted { $0.0 < $1.0 }
        #expect(streamed.map(\.0) == Array(expected.indices), "ordinals are the places in first-message order")
        #expect(streamed.map(\.1) == expected)
        #expect(Set(warnings.map(\.description)) == Set(whole.warnings.map(\.description)))
        #expect(warnings.count == whole.warnings.count)
    }

    @Test("a task comes out at the message that completes it, whatever the order of its messages")
    func completesAtLastMessage() {
        func m(_ task: String, _ level: [Int], _ status: ActionStatus? = nil) -> (EventMessage, Int?) {
            guard let status else { return (EventMessage(taskUUID: task, taskLevel: level, timestamp: 1, messageType: "m"), nil) }
            return (EventMessage(taskUUID: task, taskLevel: level, timestamp: 1, actionType: "a", actionStatus: status), nil)
        }
        let messages = [
            m("a", [3], .succeeded),  // the root's end first
            m("b", [1], .started),
            m("a", [2, 2], .failed),
            m("c", [1]),  // a lone message: complete at once
            m("a", [1], .started),
            m("b", [2]),
            m("a", [2, 1], .started),  // completes a
            m("b", [3], .succeeded),  // completes b
            m("d", [2]),  // never complete: no /1
        ]
        let (handedOut, rest, _, open) = stream(messages)
        #expect(handedOut.map(\.at) == [3, 6, 7])
        #expect(handedOut.map(\.task.taskUUID) == ["c", "a", "b"])
        #expect(handedOut.map(\.ordinal) == [2, 0, 1])
        #expect(open == 1)
        #expect(rest.map(\.task.taskUUID) == ["d"])
        #expect(rest.map(\.ordinal) == [3])
    }

    @Test("a task that is not complete yet is not warned about until it is handed out or finished")
    func noWarningsFromTrialBuilds() {
        // Its counts say "maybe complete" after /4, but /2 is a child action that never ended.
        let messages: [(EventMessage, Int?)] = [
            (EventMessage(taskUUID: "t", taskLevel: [1], timestamp: 1, actionType: "a", actionStatus: .started), 1),
            (EventMessage(taskUUID: "t", taskLevel: [2, 1], timestamp: 1, actionType: "b", actionStatus: .started), 2),
            (EventMessage(taskUUID: "t", taskLevel: [3], timestamp: 1, messageType: "m"), 3),
            (EventMessage(taskUUID: "t", taskLevel: [4], timestamp: 1, actionType: "c", actionStatus: .succeeded), 4),
        ]
        var grouper = TaskGrouper(file: "x", handsOutCompletedTasks: true)
        for (message, line) in messages { #expect(grouper.add(message, line: line) == nil) }
        #expect(grouper.warnings.isEmpty)
        let rest = grouper.finish()
        #expect(rest.count == 1 && !rest[0].isComplete)
        #expect(grouper.warnings.map(\.code) == [.wrongActionType])
    }

    @Test("a message after its task was handed out starts a new task with a placeholder root")
    func lateMessage() throws {
        let messages = try read("broken/late-message-after-end.log")
        let (handedOut, rest, warnings, _) = stream(messages)
        let late = try #require(rest.first { $0.task.root.action?.isPlaceholder == true })
        #expect(late.task.root.action?.children.map(\.type) == ["rt:late"])
        #expect(handedOut.contains { $0.task.taskUUID == late.task.taskUUID })
        #expect(warnings.contains { $0.code == .missingStart })
        #expect(handedOut.count + rest.count == 12)
    }

    @Test("random interleavings of the real log: same trees as the whole-log grouping")
    func randomOrders() throws {
        let messages = try read("twisted-eliot.log")
        var whole = TaskGrouper(file: "x")
        for (message, line) in messages { whole.add(message, line: line) }
        let expected = Dictionary(uniqueKeysWithValues: whole.finish().map { ($0.taskUUID, $0) })
        var random = SplitMix64(seed: 6)
        for _ in 0..<50 {
            let shuffled = messages.shuffled(using: &random)
            let (handedOut, rest, warnings, open) = stream(shuffled)
            #expect(warnings.isEmpty)
            #expect(rest.isEmpty && open == 0)
            #expect(handedOut.count == expected.count)
            for (_, _, task) in handedOut { #expect(expected[task.taskUUID] == task) }
        }
    }
}
