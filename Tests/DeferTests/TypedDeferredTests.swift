import Defer
import Testing

struct Oops: Error, Equatable {
    var message = "oops"
}

@Suite("The typed Deferred")
struct TypedDeferredTests {
    @Test("a callback's result feeds the next callback, whatever its type")
    func resultFlows() throws {
        let d = Deferred<Int>()
        var seen: [String] = []
        d.addCallback { $0 * 2 }
            .addCallback { "value \($0)" }
            .addCallback { seen.append($0) }
        try d.callback(21)
        #expect(seen == ["value 42"])
    }

    @Test("throwing switches to the errback path; returning from an errback switches back")
    func errorPath() throws {
        let d = Deferred<Int>()
        var log: [String] = []
        d.addCallback { _ -> Int in throw Oops() }
            .addCallback { value -> Int in
                log.append("skipped \(value)")
                return value
            }
            .addErrback { failure -> Int in
                log.append("errback \(failure.typeName)")
                #expect(failure.error as? Oops == Oops())
                return 7
            }
            .addCallback { log.append("callback \($0)") }
        try d.callback(1)
        #expect(log == ["errback Oops", "callback 7"])
    }

    @Test("a callback returning an unfired Deferred pauses the chain until it fires")
    func implicitChaining() throws {
        let outer = Deferred<Int>()
        let inner = Deferred<String>()
        var got: String?
        outer.addCallback { _ in inner }.addCallback { got = $0 }
        try outer.callback(1)
        #expect(got == nil)
        #expect(outer.isPaused)
        if case .waiting(let waitedOn) = outer.state { #expect(waitedOn === inner.base) } else { Issue.record() }
        try inner.callback("inner done")
        #expect(got == "inner done")
        #expect(!outer.isPaused)
    }

    @Test("firing twice throws AlreadyCalledError and leaves the result alone")
    func firingTwice() throws {
        let d = Deferred<Int>()
        try d.callback(1)
        #expect(throws: AlreadyCalledError.self) { try d.callback(2) }
        #expect(throws: AlreadyCalledError.self) { try d.errback(Oops()) }
        guard case .success(let value) = d.state else {
            Issue.record("expected a success result")
            return
        }
        #expect(value as? Int == 1)
    }

    @Test("addCallbacks: an error from the callback skips its own errback")
    func pairRule() throws {
        let d = Deferred<Int>()
        var log: [String] = []
        d.addCallbacks({ _ -> Int in throw Oops() }, errback: { _ in log.append("same pair"); return 0 })
            .addErrback { _ in log.append("next pair"); return 1 }
        try d.callback(0)
        #expect(log == ["next pair"])
    }

    @Test("a result of the wrong type is a DeferredTypeError failure, not a crash")
    func typeMismatch() throws {
        let d = Deferred<Int>(unchecked: AnyDeferred())
        var failure: Failure?
        d.addCallback { $0 + 1 }.addErrback { f -> Int in failure = f; return 0 }
        try d.base.callback("not an int")
        #expect(failure?.error is DeferredTypeError)
    }

    @Test("a callback that returns its own Deferred fails instead of waiting forever")
    func selfChaining() throws {
        let d = Deferred<Int>()
        var failure: Failure?
        d.addCallback { _ in d }.addErrback { f -> Int in failure = f; return 0 }
        try d.callback(1)
        #expect(failure?.error is SelfChainingError)
    }

    @Test("maybeDeferred: values, throws and returned Deferreds")
    func maybe() throws {
        var results: [String] = []
        maybeDeferred { 5 }.addCallback { results.append("value \($0)") }
        maybeDeferred { () throws -> Int in throw Oops() }.addErrback { _ in results.append("failed"); return 0 }
        let existing = Deferred<Int>()
        let returned = maybeDeferred { existing }
        #expect(returned.base === existing.base)
        #expect(results == ["value 5", "failed"])
    }

    @Test("an unhandled failure is reported when the Deferred is released; a handled one is not")
    func unhandledReport() throws {
        let reports = UnhandledReports()
        try reports.collect {
            do {
                let d = Deferred<Int>()
                try d.errback(Oops(message: "lost"))
            }
            do {
                let d = Deferred<Int>()
                d.addErrback { _ in 0 }
                try d.errback(Oops(message: "handled"))
            }
        }
        let lost = reports.reports.filter { ($0.failure.error as? Oops)?.message == "lost" }
        #expect(lost.count == 1)
        #expect(lost.first?.description.hasPrefix("Unhandled error in Deferred:") == true)
        #expect(!reports.reports.contains { ($0.failure.error as? Oops)?.message == "handled" })
    }

    @Test("debug mode records where a Deferred was created and first fired")
    func debugMode() throws {
        let reports = UnhandledReports()
        try reports.collect {
            DeferredDebug.isEnabled = true
            defer { DeferredDebug.isEnabled = false }
            let d = Deferred<Int>()
            try d.errback(Oops(message: "debugged"))
            do {
                try d.callback(1)
                Issue.record("second fire did not throw")
            } catch {
                #expect(String(describing: error).contains("C: Deferred was created: DeferTests/TypedDeferredTests.swift"))
                #expect(String(describing: error).contains("I: First Invoker was: DeferTests/TypedDeferredTests.swift"))
            }
        }
        let report = reports.reports.first { ($0.failure.error as? Oops)?.message == "debugged" }
        #expect(report?.createdAt?.hasPrefix("DeferTests/TypedDeferredTests.swift:") == true)
        #expect(report?.firstFiredAt?.hasPrefix("DeferTests/TypedDeferredTests.swift:") == true)
    }
}
