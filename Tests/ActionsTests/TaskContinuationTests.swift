import Actions
import EventLog
import Foundation
import Testing

@Suite("Crossing threads and processes")
struct TaskContinuationTests {
    @Test("serializeTaskID uses a slot and continueTask nests under it, as eliot:remote_task")
    func serializeAndContinue() throws {
        let memory = MemoryDestination()
        try withLogDestination(memory) {
            try withAction("rt:thread_handoff") { action in
                let id = action.serializeTaskID()
                #expect(id == "\(action.taskUUID)@/2")
                try withContinuedTask(id) { _ in
                    withAction("rt:in_thread", fields: ["x": 21]) { inner in inner.addSuccessFields(["result": 42]) }
                }
                logMessage("rt:thread:result", fields: ["result": 42])
            }
        }
        let tasks = memory.tasks
        #expect(tasks.count == 1 && tasks[0].isComplete, "\(tasks.map(\.outline))")
        #expect(
            tasks[0].outline == """
                rt:thread_handoff/1 succeeded
                  eliot:remote_task/2/1 succeeded
                    rt:in_thread/2/2/1 succeeded
                  rt:thread:result/3
                """)
    }

    @Test("preserveContext hands the action to a thread, once")
    func threadHandOff() throws {
        let memory = MemoryDestination()
        let done = DispatchSemaphore(value: 0)
        let outcome = ThreadResult()
        withLogDestination(memory) {
            withAction("app:handoff") { _ in
                let work = Action.preserveContext { logMessage("app:on_thread") }
                let thread = Thread {
                    outcome.first = Result { try work() }.map { _ in true }.get(or: false)
                    outcome.second = Result { try work() }.map { _ in true }.get(or: false)
                    done.signal()
                }
                thread.start()
                done.wait()
            }
        }
        #expect(outcome.first == true && outcome.second == false)
        let task = try #require(memory.tasks.first)
        #expect(memory.tasks.count == 1 && task.isComplete)
        let remote = try #require(task.root.action?.childActions.first)
        #expect(remote.actionType == "eliot:remote_task")
        #expect(remote.childMessages.first?.message.messageType == "app:on_thread")
    }

    @Test("two processes' logs concatenated form one tree")
    func twoProcesses() throws {
        let client = MemoryDestination()
        let server = MemoryDestination()
        var taskID = ""
        withLogDestination(client) {
            withAction("app:request") { action in
                taskID = action.serializeTaskID()
                logMessage("app:sent")
            }
        }
        // The "server" knows nothing but the id, and writes to its own log.
        try withContinuedTask(taskID, destinations: LogDestinations([server])) { _ in
            logMessage("app:handled")
        }
        let encoder = EventLogEncoder()
        let concatenated = (client.messages + server.messages).flatMap(encoder.encode)
        let (tasks, warnings) = TaskGrouper.group(EventLogReader(bytes: concatenated, name: "cat"))
        #expect(warnings.isEmpty)
        #expect(tasks.count == 1 && tasks[0].isComplete, "\(tasks.map(\.outline))")
        #expect(tasks[0].root.action?.childActions.first?.childMessages.first?.message.messageType == "app:handled")
    }

    @Test("malformed task ids are rejected", arguments: ["", "abc", "u@", "u@/", "u@/0", "u@/1/x", "@/1", "u@1"])
    func badTaskID(_ id: String) {
        #expect(throws: ActionError.self) { try Action.continueTask(id, destinations: LogDestinations()) }
    }
}

/// Results written by a thread and read after it signalled.
final class ThreadResult: @unchecked Sendable {
    // Written on one thread before a semaphore signal and read after the wait: the semaphore orders them.
    var first: Bool?
    var second: Bool?
}

extension Result {
    func get(or fallback: Success) -> Success {
        (try? get()) ?? fallback
    }
}
