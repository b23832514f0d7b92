import Actions
import EventLog
import Testing

@Suite("Actions across async code")
struct AsyncNestingTests {
    @Test("async let and task groups nest under the creator's action")
    func structuredConcurrency() async throws {
        let memory = MemoryDestination()
        try await withLogDestination(memory) {
            try await withAction("app:parent") { _ in
                async let a: Void = withAction("app:child") { _ in await Task.yield() }
                async let b: Void = withAction("app:child") { _ in logMessage("app:child:note") }
                _ = await (a, b)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for i in 0..<4 {
                        group.addTask {
                            await withAction("app:grouped", fields: ["i": .int(i)]) { _ in await Task.yield() }
                        }
                    }
                    try await group.waitForAll()
                }
                await Task { logMessage("app:from_task") }.value
            }
        }
        let tasks = memory.tasks
        #expect(tasks.count == 1, "\(tasks.map(\.outline))")
        let root = try #require(tasks.first?.root.action)
        #expect(tasks[0].isComplete)
        #expect(root.childActions.count == 6)
        #expect(root.childMessages.map(\.message.messageType) == ["app:from_task"])
        #expect(root.endMessage?.taskLevel == [9])
    }

    @Test("parallel child tasks get distinct, contiguous slots")
    func parallelCounter() async throws {
        let memory = MemoryDestination()
        await withLogDestination(memory) {
            await withAction("app:fanout") { _ in
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            for _ in 0..<200 { logMessage("app:tick") }
                        }
                    }
                }
            }
        }
        let levels = memory.messages.map(\.taskLevel)
        #expect(Set(levels).count == levels.count)
        #expect(Set(levels.map { $0[0] }) == Set(1...1602))
        #expect(memory.tasks.first?.isComplete == true)
    }

    @Test("a detached task does not inherit the action")
    func detached() async {
        let memory = MemoryDestination()
        await withLogDestination(memory) {
            await withAction("app:parent") { _ in
                let seen = await Task.detached { Action.current == nil }.value
                #expect(seen)
            }
        }
    }

    @Test("an async body that throws finishes the action as failed")
    func asyncFailure() async {
        let memory = MemoryDestination()
        await #expect(throws: Boom.self) {
            try await withLogDestination(memory) {
                try await withAction("app:fail") { _ in
                    await Task.yield()
                    throw Boom()
                }
            }
        }
        #expect(memory.tasks.first?.root.action?.status == .failed)
    }
}
