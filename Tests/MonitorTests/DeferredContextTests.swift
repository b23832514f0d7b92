import Actions
import Defer
import EventLog
import Monitor
import Testing

@Suite("DeferredContext and writeFailure")
struct DeferredContextTests {
    /// (type, level, status) of each message, for compact assertions on the action tree.
    static func shape(_ messages: [EventMessage]) -> [String] {
        messages.map { message in
            let level = message.taskLevel.map(String.init).joined(separator: ",")
            let status = message.actionStatus.map { " \($0.rawValue)" } ?? ""
            return "\(message.type ?? "?")[\(level)]\(status)"
        }
    }

    @Test("callbacks added through it run inside the action, which finishes with the chain")
    func callbacksNestAndFinish() throws {
        let memory = MemoryDestination()
        let d = Deferred<Int>()
        let plain = try withLogDestination(memory) {
            let action = startAction("app:fetch")
            return try action.run {
                try DeferredContext(d)
                    .addCallback { value -> Int in
                        logMessage("app:got", fields: ["value": .int(value)])
                        return value + 1
                    }
                    .addActionFinish()
            }
        }
        var seen: Int?
        plain.addCallback { seen = $0 }
        // Fired later, outside any action: the callback still logs inside app:fetch.
        try d.callback(41)
        #expect(seen == 42)
        #expect(
            Self.shape(memory.messages) == ["app:fetch[1] started", "app:got[2]", "app:fetch[3] succeeded"])
        #expect(memory.tasks.count == 1)
        #expect(memory.tasks.first?.isComplete == true)
    }

    @Test("an errback that retries returns a Deferred: the chain waits for it inside the action")
    func retryInErrback() throws {
        struct Flaky: Error {}
        let memory = MemoryDestination()
        let d = Deferred<Int>()
        let retry = Deferred<Int>()
        let plain = try withLogDestination(memory) {
            let action = startAction("app:fetch")
            return try action.run {
                try DeferredContext(d)
                    .addCallback { _ -> Int in throw Flaky() }
                    .addErrback { _ -> Deferred<Int> in
                        logMessage("app:retrying")
                        return retry
                    }
                    .addActionFinish()
            }
        }
        var seen: Int?
        plain.addCallback { seen = $0 }
        try d.callback(1)
        #expect(seen == nil, "waiting on the retry")
        try retry.callback(7)
        #expect(seen == 7)
        #expect(Self.shape(memory.messages) == ["app:fetch[1] started", "app:retrying[2]", "app:fetch[3] succeeded"])
    }

    @Test("a callback returning a Deferred through it is waited for, not passed on as a value")
    func callbackReturningDeferred() throws {
        let memory = MemoryDestination()
        let d = Deferred<Int>()
        let inner = Deferred<String>()
        let plain = try withLogDestination(memory) {
            try startAction("app:fetch").run {
                try DeferredContext(d).addCallback { _ -> Deferred<String> in inner }.addActionFinish()
            }
        }
        var seen: String?
        plain.addCallback { seen = $0 }
        try d.callback(1)
        #expect(seen == nil)
        try inner.callback("body")
        #expect(seen == "body")
    }

    @Test("a failed chain finishes the action as failed and the failure keeps propagating")
    func failedChain() throws {
        let memory = MemoryDestination()
        let d = Deferred<Int>()
        let plain = try withLogDestination(memory) {
            try startAction("app:parse").run { try DeferredContext(d).addActionFinish() }
        }
        var propagated: Failure?
        plain.addErrback { failure -> Int in
            propagated = failure
            return 0
        }
        try d.errback(Boom())
        #expect(propagated?.error is Boom)
        let end = try #require(memory.messages.last)
        #expect(end.actionStatus == .failed)
        #expect(end.reason == "boom")
    }

    @Test("misuse is a clear error: outside an action, and adding after addActionFinish")
    func misuse() throws {
        #expect(throws: DeferredContextError(code: .noCurrentAction, message: "DeferredContext should only be created in the context of an action")) {
            try DeferredContext(Deferred<Int>())
        }
        let memory = MemoryDestination()
        try withLogDestination(memory) {
            try startAction("app:x").run {
                let context = try DeferredContext(Deferred<Int>())
                _ = try context.addActionFinish()
                #expect(throws: DeferredContextError.self) { try context.addCallback { $0 } }
                #expect(throws: DeferredContextError.self) { try context.addActionFinish() }
            }
        }
    }

    @Test("writeFailure logs eliot:traceback in the current action and, as an errback, handles the failure")
    func writeFailureLogs() throws {
        let memory = MemoryDestination()
        let d = Deferred<Int>()
        try withLogDestination(memory) {
            try withAction("app:job") { _ in
                d.addErrback { failure -> Int in
                    writeFailure(failure)
                    return -1
                }
                try d.errback(Boom())
            }
        }
        #expect(Self.shape(memory.messages) == ["app:job[1] started", "eliot:traceback[2]", "app:job[3] succeeded"])
        let traceback = try #require(memory.messages.first { $0.messageType == "eliot:traceback" })
        #expect(traceback.fields["reason"]?.stringValue == "boom")
        // Used as an errback it handled the failure: logged at ERROR, not CRITICAL.
        #expect(traceback.fields["log_level"]?.stringValue == "ERROR")
        #expect(traceback.fields["exception"]?.stringValue?.hasSuffix("Boom") == true)
        #expect(traceback.fields["traceback"]?.stringValue?.contains("MonitorTests/DeferredContextTests.swift") == true)
        if case .success(let value) = d.state { #expect(value as? Int == -1) } else { Issue.record("not handled") }
    }
}
