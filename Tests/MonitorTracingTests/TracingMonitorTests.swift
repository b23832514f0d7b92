import Defer
import InMemoryTracing
import Monitor
import MonitorTracing
import EventLog
import Testing
import Tracing

struct Problem: Error, CustomStringConvertible {
    var description: String { "something went wrong in problem()" }
}

/// The live spans of the seed example's chains, received by swift-distributed-tracing's in-memory tracer.
@Suite("Tracing monitor")
struct TracingMonitorTests {
    /// The seed's two Deferreds and their callbacks, fired at once (the example's sleeps left out); `track`
    /// tracks them, with whichever monitor the test uses.
    static func runSeed(track: (Deferred<Int?>, Deferred<Int>) -> Void) {
        let d = Deferred<Int?>()
        let d2 = Deferred<Int>()
        track(d, d2)
        let chain = d.addCallback(label: "simpleCallback") { _ in 1 }
            .addCallback(label: "followup") { _ in 2 }
            .addCallback(label: "problem") { (_: Int) throws -> Int in throw Problem() }
            .addErrback(label: "simpleErrback") { _ in 3 }
            .chainDeferred(d2)
        d2.addCallback(label: "simpleCallback") { _ in 1 }
        chain.addCallback(label: "finished") { _ in }
        try? d.callback(nil)
    }

    static func runSeed(_ monitor: TracingMonitor) {
        runSeed { d, d2 in
            monitor.track(d, label: "d")
            monitor.track(d2, label: "d2")
        }
    }

    @Test("the seed: two chain spans, seven run spans, one link, the error on problem")
    func seed() throws {
        let tracer = InMemoryTracer()
        let monitor = TracingMonitor(tracer: tracer)
        Self.runSeed(monitor)  // the Deferreds are released on return, which ends their spans
        monitor.stop()
        let spans = tracer.finishedSpans
        let roots = spans.filter { $0.parentSpanID == nil }
        #expect(roots.map(\.operationName).sorted() == ["d", "d2"])
        let runs = spans.filter { $0.parentSpanID != nil }
        #expect(runs.count == 7)
        let d = try #require(roots.first { $0.operationName == "d" })
        let d2 = try #require(roots.first { $0.operationName == "d2" })
        #expect(runs.filter { $0.parentSpanID == d.spanID }.map(\.operationName)
            == ["simpleCallback", "followup", "problem", "simpleErrback", "chainDeferred.callback", "finished"])
        #expect(runs.filter { $0.parentSpanID == d2.spanID }.map(\.operationName) == ["simpleCallback"])
        // Both were tracked at the top level: two traces, joined by the chainDeferred link.
        #expect(Set(spans.map(\.traceID)).count == 2)
        #expect(runs.allSatisfy { run in roots.contains { $0.spanID == run.parentSpanID && $0.traceID == run.traceID } })
        let links = spans.flatMap(\.links)
        #expect(links.count == 1)
        #expect(links.first?.context.inMemorySpanContext?.spanID == d2.spanID)
        #expect(d.links.count == 1)
        let failed = spans.filter { $0.status?.code == .error }
        #expect(failed.map(\.operationName) == ["problem"])
        #expect(failed.first?.errors.first?.error is Problem)
        #expect(failed.first?.status?.message?.contains("something went wrong") == true)
    }

    @Test("a wait is a child span named and linked as the export has it: wait on #2, linked to #2's span")
    func wait() throws {
        let tracer = InMemoryTracer()
        let monitor = TracingMonitor(tracer: tracer)
        let outer = Deferred<Int>()
        let inner = Deferred<Int>()
        monitor.track(outer, label: "outer")
        outer.addCallback(label: "fetch") { (_: Int) -> Deferred<Int> in inner }
        outer.addCallback(label: "use") { $0 + 1 }
        try? outer.callback(1)
        try? inner.callback(2)
        monitor.stop()
        let spans = tracer.finishedSpans
        let outerSpan = try #require(spans.first { $0.operationName == "outer" })
        let innerSpan = try #require(spans.first { $0.operationName == "returned to outer #1" })
        let wait = try #require(spans.first { $0.operationName.hasPrefix("wait on") })
        #expect(wait.operationName == "wait on #2")
        #expect(wait.parentSpanID == outerSpan.spanID)
        #expect(wait.links.first?.context.inMemorySpanContext?.spanID == innerSpan.spanID)
    }

    @Test("a chain is parented to the context its Deferred was made in, though tracked elsewhere")
    func parentAtCreation() throws {
        let tracer = InMemoryTracer()
        let monitor = TracingMonitor(tracer: tracer)
        let request = tracer.startSpan("request")
        let d = InstrumentationContext.withValue(request.context) { Deferred<Int>() }
        monitor.track(d, label: "made in the request")  // tracked outside it
        try? d.callback(1)
        request.end()
        monitor.stop()
        let spans = tracer.finishedSpans
        let parent = try #require(spans.first { $0.operationName == "request" })
        #expect(spans.first { $0.operationName == "made in the request" }?.parentSpanID == parent.spanID)
    }

    @Test("a chain is parented to the context current when it is tracked")
    func parent() throws {
        let tracer = InMemoryTracer()
        let monitor = TracingMonitor(tracer: tracer)
        let request = tracer.startSpan("request")
        InstrumentationContext.withValue(request.context) {
            let d = Deferred<Int>()
            monitor.track(d, label: "lookup")
            d.addCallback(label: "parse") { $0 + 1 }
            try? d.callback(1)
        }
        request.end()
        monitor.stop()
        let spans = tracer.finishedSpans
        let parent = try #require(spans.first { $0.operationName == "request" })
        let lookup = try #require(spans.first { $0.operationName == "lookup" })
        #expect(lookup.parentSpanID == parent.spanID)
        #expect(spans.first { $0.operationName == "parse" }?.parentSpanID == lookup.spanID)
    }
}

extension TracingMonitorTests {
    @Test("given to a JSONMonitor, the same run is a log and spans: the seed's chains in both")
    func companion() throws {
        let tracer = InMemoryTracer()
        let tracing = TracingMonitor(tracer: tracer)
        let monitor = JSONMonitor(followChained: true, companion: tracing)
        Self.runSeedOnJSON(monitor)
        monitor.stop()
        let spans = tracer.finishedSpans
        #expect(spans.filter { $0.parentSpanID == nil }.map(\.operationName).sorted() == ["d", "d2"])
        #expect(spans.count == 9)
        #expect(spans.flatMap(\.links).count == 1)
        #expect(spans.filter { $0.status?.code == .error }.map(\.operationName) == ["problem"])
        // The spans carry the monitor's ids.
        let ids = monitor.messages.filter { $0.actionType == MonitorVocabulary.deferredAction && $0.actionStatus == .started }
            .compactMap { message -> String? in
                guard case .string(let label)? = message.fields[MonitorVocabulary.Field.label], case .int(let id)? = message.fields[MonitorVocabulary.Field.deferredID]
                else { return nil }
                return "\(label)=\(id)"
            }
        let spanIDs = spans.filter { $0.parentSpanID == nil }.compactMap { span -> String? in
            guard case .int64(let id)? = span.attributes.get(SpanVocabulary.Attribute.deferredID) else { return nil }
            return "\(span.operationName)=\(id)"
        }
        #expect(ids.count == 2)
        #expect(spanIDs.sorted() == ids.sorted())
        // The monitor recorded the same run.
        let runs = monitor.messages.filter { $0.actionType == MonitorVocabulary.runAction && $0.actionStatus == .started }
        #expect(runs.count == 7)
    }

    static func runSeedOnJSON(_ monitor: JSONMonitor) {
        runSeed { d, d2 in
            monitor.track(d, label: "d")
            monitor.track(d2, label: "d2")
        }
    }

    @Test("chains made and released one after another, at reused addresses, each get their own run spans and names")
    func chainsInTurn() throws {
        let tracer = InMemoryTracer()
        let monitor = TracingMonitor(tracer: tracer)
        let count = 200
        for i in 0..<count {
            // Released at the end of each turn: the next Deferred is likely made where this one was.
            let d = Deferred<Int>()
            monitor.track(d, label: "chain \(i)")
            d.addCallback(label: "first of \(i)") { $0 + 1 }.addCallback(label: "second of \(i)") { $0 + 1 }
            try d.callback(i)
        }
        monitor.stop()
        let spans = tracer.finishedSpans
        let roots = spans.filter { $0.parentSpanID == nil }
        #expect(roots.count == count)
        for root in roots {
            let i = try #require(Int(root.operationName.dropFirst("chain ".count)))
            let runs = spans.filter { $0.parentSpanID == root.spanID }.map(\.operationName)
            #expect(runs == ["first of \(i)", "second of \(i)"], "\(root.operationName)")
        }
    }
}
