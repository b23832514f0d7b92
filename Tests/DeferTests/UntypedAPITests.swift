import Defer
import Testing

/// What a Twisted user reaches for with untyped values: a Deferred returned as a value chains (Python's
/// `return d`), aggregates over Deferreds of different types, and `trap` with a list built at run time.
@Suite("Untyped API")
struct UntypedAPITests {
    struct Timeout: Error {}
    struct Refused: Error {}

    @Test("a callback returning .value(someDeferred) chains on it, typed or untyped, as Python's return d does")
    func valueOfDeferredChains() throws {
        for typed in [false, true] {
            let d = AnyDeferred()
            let inner = Deferred<Int>()
            var seen: Any?
            d.addCallback { _ in typed ? .value(inner) : .value(inner.base) }.addCallback { value in
                seen = value
                return .value(value)
            }
            try d.callback(0)
            #expect(seen == nil, "waiting on the inner Deferred")
            try inner.callback(5)
            #expect(seen as? Int == 5)
        }
    }

    @Test("deferredList and gatherResults take Deferreds of different types")
    func untypedAggregates() throws {
        let number = Deferred<Int>()
        let text = Deferred<String>()
        var gathered: [Any]?
        gatherResults([number.base, text.base]).addCallback { gathered = $0 }
        var listed: DeferredListResult<Any>?
        deferredList([number.base, text.base]).addCallback { listed = $0 }
        try number.callback(1)
        try text.callback("two")
        #expect(gathered?.first as? Int == 1 && gathered?.last as? String == "two")
        guard case .all(let outcomes)? = listed else {
            Issue.record("no result")
            return
        }
        #expect(outcomes.count == 2 && (try? outcomes[1].get()) as? String == "two")
    }

    @Test("trap takes a list of types built at run time")
    func trapWithArray() throws {
        let retryable: [any Error.Type] = [Timeout.self, Refused.self]
        let failure = Failure(Refused())
        #expect(try failure.trap(retryable) == Refused.self)
        #expect(throws: Failure.self) { try Failure(CancelledError()).trap(retryable) }
    }

    @Test("a canceller that throws: cancelOrThrow throws it, cancel() reports it; either way the Deferred stays unfired")
    func throwingCanceller() throws {
        struct Stuck: Error {}
        let d = Deferred<Int>(canceller: { _ in throw Stuck() })
        #expect(throws: Stuck.self) { try d.cancelOrThrow() }
        #expect(!d.base.isCalled)
        let (_, reports) = UnhandledErrorCapture.run { d.cancel() }
        #expect(reports.count == 1)
        #expect(reports.first?.description.hasPrefix("Exception raised from user supplied canceller:") == true)
        #expect(!d.base.isCalled)
        try d.callback(3)
        #expect(d.base.isCalled)
    }
}
