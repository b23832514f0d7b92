public import Defer
import Monitor
import NIOConcurrencyHelpers
public import Tracing

/// Emits the spans of tracked Deferreds as they happen, through swift-distributed-tracing: the live
/// counterpart of `reactortrack export --format otlp-json`, with the same mapping (see `docs/exports.md`).
///
/// - a tracked chain is a span, parented to the context current when `track` is called (pass `context` to
///   choose another) and ended when the Deferred is released;
/// - each callback/errback run is a child span (its error recorded and status ERROR when it raised);
/// - a wait on another Deferred is a child span with a link to that Deferred's chain span;
/// - `chainDeferred` is a link on the chain span; firing and cancelling are events on it.
///
/// The backend is whatever tracer the application bootstrapped (`InstrumentationSystem.bootstrap`): swift-otel
/// sends the spans to an OpenTelemetry collector (`examples/otel-service` shows it). A Deferred has one
/// observer: track it with this monitor or with a `JSONMonitor`, not both.
public final class TracingMonitor: DeferredObserver, Sendable {
    /// What is known of one tracked chain.
    struct Chain {
        var label: String
        var id: Int
        var span: any Span
        var names: [Int: (callback: String, errback: String)] = [:]
        var run: (any Span)?
        var wait: (any Span)?
    }

    struct State {
        var chains: [Int: Chain] = [:]
        var nextID = 1
        var stopped = false
    }

    private let state = NIOLockedValueBox(State())
    private let tracer: any Tracer
    private let followChained: Bool

    /// A monitor emitting through `tracer` (by default the bootstrapped one).
    ///
    /// - Parameter followChained: Whether Deferreds that tracked ones return, wait on or chain to are tracked
    ///   too (as `JSONMonitor(followChained:)`).
    public init(tracer: (any Tracer)? = nil, followChained: Bool = true) {
        self.tracer = tracer ?? InstrumentationSystem.tracer
        self.followChained = followChained
    }

    /// Starts the chain span of `deferred`, under `context` (by default the current context).
    public func track<Value>(_ deferred: Deferred<Value>, label: String, context: InstrumentationContext? = nil) {
        track(deferred.base, label: label, context: context ?? .current ?? .topLevel, trackedBy: "user")
    }

    /// Ends every span still open (chains not yet released); later events are not traced.
    public func stop() {
        let open = state.withLockedValue { state -> [Chain] in
            state.stopped = true
            defer { state.chains.removeAll() }
            return Array(state.chains.values)
        }
        for chain in open {
            chain.run?.end()
            chain.wait?.end()
            chain.span.attributes["reactortrack.ended_by"] = "monitor_stopped"
            chain.span.end()
        }
    }

    func track(_ deferred: AnyDeferred, label: String, context: InstrumentationContext, trackedBy: String) {
        if deferred.observer === self, deferred.observerSlot != 0 { return }
        let span = tracer.startSpan(label, context: context, ofKind: .internal)
        let slot = state.withLockedValue { state -> Int? in
            guard !state.stopped else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.chains[id] = Chain(label: label, id: id, span: span)
            return id
        }
        guard let slot else {
            span.end()
            return
        }
        span.attributes["reactortrack.deferred_id"] = slot
        span.attributes["reactortrack.tracked_by"] = trackedBy
        if let site = deferred.creationSite { span.attributes["reactortrack.created_at"] = "\(site.file):\(site.line)" }
        deferred.observerSlot = slot
        deferred.observer = self
    }

    private func chain(_ deferred: AnyDeferred) -> Chain? {
        let slot = deferred.observerSlot
        guard slot != 0 else { return nil }
        return state.withLockedValue { $0.chains[slot] }
    }

    /// Tracks `other`, reached from `deferred`, when following chained Deferreds; its chain span.
    private func follow(_ other: AnyDeferred, from deferred: AnyDeferred, how: String) -> (any Span)? {
        if other.observer !== self, followChained, let parent = chain(deferred) {
            track(other, label: "\(how) \(parent.label) #\(parent.id)", context: parent.span.context, trackedBy: "chained")
        }
        return other.observer === self ? chain(other)?.span : nil
    }

    public func deferred(_ deferred: AnyDeferred, didRecord event: DeferredEvent) {
        switch event {
        case .added(let index, let callback, let errback, let kind, let file, let line):
            let names = (Self.text(callback, kind, file, line), Self.text(errback, kind, file, line))
            state.withLockedValue { $0.chains[deferred.observerSlot]?.names[index] = names }
        case .fired:
            guard let chain = chain(deferred) else { return }
            var attributes: SpanAttributes = [:]
            switch deferred.state {
            case .failure(let failure):
                attributes["reactortrack.path"] = "error"
                attributes["reactortrack.value"] = ValueDescription.describe(failure)
            case .success(let value):
                attributes["reactortrack.path"] = "success"
                attributes["reactortrack.value"] = ValueDescription.describe(value)
            default: break
            }
            chain.span.addEvent(SpanEvent(name: "fired", attributes: attributes))
        case .waiting(let inner):
            guard let chain = chain(deferred) else { return }
            let target = follow(inner, from: deferred, how: "returned to")
            let wait = tracer.startSpan("wait", context: chain.span.context, ofKind: .internal)
            if let target {
                wait.addLink(SpanLink(context: target.context, attributes: ["reactortrack.link": "waitedOn"]))
                wait.attributes["reactortrack.on"] = inner.observerSlot
            }
            state.withLockedValue { $0.chains[deferred.observerSlot]?.wait = wait }
        case .resumed:
            let wait = state.withLockedValue { state -> (any Span)? in
                defer { state.chains[deferred.observerSlot]?.wait = nil }
                return state.chains[deferred.observerSlot]?.wait
            }
            wait?.end()
        case .chained(let target):
            guard let chain = chain(deferred), let other = follow(target, from: deferred, how: "chained from") else {
                return
            }
            chain.span.addLink(SpanLink(context: other.context, attributes: ["reactortrack.link": "chained"]))
        case .cancelled:
            chain(deferred)?.span.addEvent("cancelled")
        case .willRun(let index, let onErrorPath):
            _ = self.deferred(deferred, willRunPairAt: index, onErrorPath: onErrorPath, after: nil)
        case .didRun(let index, let returned):
            _ = self.deferred(deferred, didRunPairAt: index, onErrorPath: false, returned: returned, token: 0)
        case .skipped, .pauseChanged:
            break
        }
    }

    public func deferred(
        _ deferred: AnyDeferred, willRunPairAt index: Int, onErrorPath: Bool, after previous: UInt64?
    ) -> UInt64 {
        guard let chain = chain(deferred) else { return 0 }
        let names = chain.names[index]
        let name = (onErrorPath ? names?.errback : names?.callback) ?? "pair \(index)"
        let run = tracer.startSpan(name, context: chain.span.context, ofKind: .internal)
        run.attributes["reactortrack.pair"] = index
        run.attributes["reactortrack.path"] = onErrorPath ? "errback" : "callback"
        state.withLockedValue { $0.chains[deferred.observerSlot]?.run = run }
        return 0
    }

    public func deferred(
        _ deferred: AnyDeferred, didRunPairAt index: Int, onErrorPath: Bool, returned: AnyDeferred?, token: UInt64
    ) -> UInt64 {
        let run = state.withLockedValue { state -> (any Span)? in
            defer { state.chains[deferred.observerSlot]?.run = nil }
            return state.chains[deferred.observerSlot]?.run
        }
        guard let run else { return 0 }
        if let returned {
            _ = follow(returned, from: deferred, how: "returned to")
            if returned.observer === self { run.attributes["reactortrack.returned_deferred"] = returned.observerSlot }
        } else {
            switch deferred.state {
            case .failure(let failure):
                run.recordError(failure.error)
                run.setStatus(SpanStatus(code: .error, message: ValueDescription.describe(failure)))
            case .success(let value):
                run.attributes["reactortrack.output"] = ValueDescription.describe(value)
            default: break
            }
        }
        run.end()
        return 0
    }

    /// A pair half's name: its label, `pass`, or (unlabelled) how and where it was added.
    static func text(_ name: CallbackName, _ kind: StaticString, _ file: String, _ line: UInt) -> String {
        switch name {
        case .named(let text): text
        case .passThrough: "pass"
        case .unnamed: "\(kind) at \(file):\(line)"
        }
    }

    public func deferredWasReleased(_ id: ObjectIdentifier, observerSlot: Int, unhandled: Failure?) {
        guard let chain = state.withLockedValue({ $0.chains.removeValue(forKey: observerSlot) }) else { return }
        chain.run?.end()
        chain.wait?.end()
        if let unhandled {
            chain.span.recordError(unhandled.error)
            chain.span.setStatus(SpanStatus(code: .error, message: "unhandled: " + ValueDescription.describe(unhandled)))
        }
        chain.span.attributes["reactortrack.ended_by"] = "released"
        chain.span.end()
    }
}
