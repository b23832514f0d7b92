import Actions
import EventLog
import Testing

@Suite("Action task levels")
struct ActionNumberingTests {
    @Test("numbers a nested task exactly as Eliot numbers rt:deferred_chain")
    func eliotNumbering() throws {
        let memory = MemoryDestination()
        withLogDestination(memory) {
            withAction("rt:deferred_chain") { _ in
                withAction("rt:fetch") { _ in logMessage("rt:fetch:received") }
                _ = try? withAction("rt:parse") { _ in throw Boom() }
                logMessage("rt:recovered")
                logMessage("rt:chain:step")
                withAction("rt:fetch") { _ in logMessage("rt:fetch:received") }
                logMessage("rt:chain:both")
            }
        }
        let levels = memory.messages.map(\.taskLevel)
        #expect(levels == [[1], [2, 1], [2, 2], [2, 3], [3, 1], [3, 2], [4], [5], [6, 1], [6, 2], [6, 3], [7], [8]])
        #expect(Set(memory.messages.map(\.taskUUID)).count == 1)
        let tasks = memory.tasks
        #expect(tasks.count == 1 && tasks[0].isComplete)
        let root = try #require(tasks[0].root.action)
        #expect(root.actionType == "rt:deferred_chain" && root.status == .succeeded)
        let parse = try #require(root.children[1].action)
        #expect(parse.status == .failed)
        #expect(parse.exception == "ActionsTests.Boom")
        #expect(parse.reason == "boom")
    }

    @Test("a message outside any action is a task of its own at /1")
    func standalone() {
        let memory = MemoryDestination()
        withLogDestination(memory) {
            logMessage("app:note", fields: ["n": 1])
            logMessage("app:note", fields: ["n": 2])
        }
        #expect(memory.messages.map(\.taskLevel) == [[1], [1]])
        #expect(Set(memory.messages.map(\.taskUUID)).count == 2)
        #expect(memory.tasks.allSatisfy { $0.root.message != nil && $0.isComplete })
    }

    @Test("a throwing body finishes the action as failed and rethrows")
    func failure() {
        let memory = MemoryDestination()
        #expect(throws: Boom.self) {
            try withLogDestination(memory) { try withAction("app:fail") { _ in throw Boom() } }
        }
        let end = memory.messages.last
        #expect(end?.actionStatus == .failed && end?.exception == "ActionsTests.Boom" && end?.reason == "boom")
    }

    @Test("manual start and finish: fields, success fields, finishing twice does nothing")
    func manual() throws {
        let memory = MemoryDestination()
        withLogDestination(memory) {
            let action = startAction("app:manual", fields: ["url": "x"])
            action.log("app:inside")
            action.addSuccessFields(["bytes": 42])
            action.finish()
            action.finish(error: Boom())
            #expect(action.isFinished)
        }
        #expect(memory.messages.count == 3)
        #expect(memory.messages[0].fields["url"] == "x")
        #expect(memory.messages[2].fields["bytes"] == 42 && memory.messages[2].actionStatus == .succeeded)
    }

    @Test("startAction does not make the action current; run does, without finishing it")
    func runContext() {
        let memory = MemoryDestination()
        withLogDestination(memory) {
            let action = startAction("app:ctx")
            #expect(Action.current == nil)
            action.run { logMessage("app:in") }
            #expect(!action.isFinished)
            action.finish()
        }
        #expect(memory.messages.map(\.taskLevel) == [[1], [2], [3]])
    }

    @Test("a destination that throws is reported and the others still get the message")
    func destinationFailure() {
        struct Failing: LogDestination {
            func write(_ message: EventMessage) throws { if message.messageType == "bad" { throw Refused() } }
        }
        let memory = MemoryDestination()
        let set = LogDestinations([Failing(), memory])
        withLogDestinations(set) {
            logMessage("bad")
            logMessage("good")
        }
        #expect(set.failureCount == 1)
        let types = memory.messages.map(\.messageType)
        #expect(types == ["bad", "eliot:destination_failure", "good"])
        #expect(memory.messages[1].exception == "ActionsTests.Refused" && memory.messages[1].reason == "refused")
    }
}
