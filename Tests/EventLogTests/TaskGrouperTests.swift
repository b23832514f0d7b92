import EventLog
import Foundation
import Testing

@Suite("Task grouper")
struct TaskGrouperTests {
    func outlines(_ tasks: [WrittenTask]) -> String {
        tasks.map { "task \($0.taskUUID)\n\($0.outline)" }.joined(separator: "\n")
    }

    @Test("rebuilds the real log into the same tasks eliot.parse finds")
    func matchesEliotParse() throws {
        let reader = try EventLogReader(path: Fixtures.path("twisted-eliot.log"))
        let (tasks, warnings) = TaskGrouper.group(reader)
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(tasks.count == 11)
        #expect(tasks.allSatisfy { $0.isComplete })
        let expected = try String(contentsOfFile: Fixtures.path("twisted-eliot.parse-expected.txt"), encoding: .utf8)
        #expect(outlines(tasks) == expected.trimmingCharacters(in: .newlines))
    }

    @Test("numbers and nests the deferred chain task as Eliot wrote it")
    func deferredChain() throws {
        let (tasks, _) = TaskGrouper.group(try EventLogReader(path: Fixtures.path("twisted-eliot.log")))
        let chain = try #require(tasks.first { $0.root.type == "rt:deferred_chain" }?.root.action)
        #expect(chain.status == .succeeded)
        #expect(chain.children.map(\.taskLevel) == [[2], [3], [4], [5], [6], [7]])
        #expect(chain.children.map(\.type) == [
            "rt:fetch", "rt:parse", "rt:recovered", "rt:chain:step", "rt:fetch", "rt:chain:both",
        ])
        let parse = try #require(chain.children[1].action)
        #expect(parse.status == .failed)
        #expect(parse.exception != nil && parse.reason != nil)
        #expect(chain.endMessage?.taskLevel == [8])
    }

    @Test("shuffled lines give the same trees")
    func shuffled() throws {
        let (original, _) = TaskGrouper.group(try EventLogReader(path: Fixtures.path("twisted-eliot.log")))
        let (shuffled, warnings) = TaskGrouper.group(
            try EventLogReader(path: Fixtures.path("broken/shuffled.log")))
        #expect(warnings.isEmpty)
        let byID = Dictionary(uniqueKeysWithValues: shuffled.map { ($0.taskUUID, $0.outline) })
        #expect(original.count == shuffled.count)
        for task in original { #expect(byID[task.taskUUID] == task.outline) }
    }

    @Test("a missing start message gives a placeholder and a gap leaves the task incomplete")
    func placeholdersAndGaps() throws {
        let (missing, _) = TaskGrouper.group(
            try EventLogReader(path: Fixtures.path("broken/missing-start-message.log")))
        let root = try #require(missing.first { $0.root.action?.endMessage?.message.actionType == "rt:deferred_chain" })
        #expect(root.root.action?.isPlaceholder == true)
        #expect(!root.isComplete)
        let (gap, _) = TaskGrouper.group(try EventLogReader(path: Fixtures.path("broken/dropped-message-gap.log")))
        #expect(gap.filter { !$0.isComplete }.map { $0.root.type } == ["rt:deferred_chain"])
    }

    @Test("a late message stays in its task")
    func lateMessage() throws {
        let (tasks, _) = TaskGrouper.group(
            try EventLogReader(path: Fixtures.path("broken/late-message-after-end.log")))
        #expect(tasks.count == 11)
        let chain = try #require(tasks.first { $0.root.type == "rt:deferred_chain" })
        #expect(chain.root.action?.children.last?.type == "rt:late")
    }

    @Test("an unfinished action is open, and its task incomplete")
    func openAction() {
        let messages = [
            EventMessage(taskUUID: "t", taskLevel: [1], timestamp: 1, actionType: "outer", actionStatus: .started),
            EventMessage(taskUUID: "t", taskLevel: [2, 1], timestamp: 2, actionType: "inner", actionStatus: .started),
            EventMessage(taskUUID: "t", taskLevel: [2, 2], timestamp: 3, actionType: "inner", actionStatus: .succeeded),
        ]
        let tasks = TaskGrouper.group(messages)
        #expect(tasks.count == 1)
        let root = tasks[0].root.action!
        #expect(root.isOpen && root.status == .started && !tasks[0].isComplete)
        #expect(root.childActions.first?.isComplete == true)
    }

    @Test("a lone message at /1 is a complete task of its own")
    func loneMessage() {
        let tasks = TaskGrouper.group([EventMessage(taskUUID: "t", taskLevel: [1], timestamp: 1, messageType: "m")])
        #expect(tasks.first?.root.message != nil && tasks.first?.isComplete == true)
    }
}
