public import Defer
import EventLog
public import Monitor
import NIOConcurrencyHelpers
public import Tracing

/// Emits the spans of tracked Deferreds as they happen, through swift-distributed-tracing: the live
/// counterpart of `reactortrack export --format otlp-json`, with the same mapping (see `docs/exports.md`).
///
/// - a tracked chain is a span, parented to the context current when its Deferred was made (one made before
///   this monitor existed: when it is tracked; a followed chain: the chain it was followed from), ended when
///   the Deferred is released or the monitor stops;
/// - each callback/errback run is a child span (its error recorded and status ERROR when it raised);
/// - a wait on another Deferred is a child span with a link to that Deferred's chain span;
/// - `chainDeferred` is a link on the chain span; firing and cancelling are events on it.
///
/// Use it on its own (`track`), or give it to a `JSONMonitor` (`JSONMonitor(…, companion: tracing)`): the
/// monitor then tracks and writes `mon.out`, and this one is the second observer of each tracked Deferred (through
/// a `MultiplexObserver`), told of the monitor's chains as a `MonitorChainObserver`, so one run is both a log and
/// live spans. The
/// backend is whatever tracer the application bootstrapped (`InstrumentationSystem.bootstrap`); swift-otel
/// sends the spans to an OpenTelemetry collector (`examples/otel-service` shows it).
public final class TracingMonitor: MonitorChainObserver, Sendable {
    typealias Key = SpanVocabulary.Attribute

    /// What is known of one tracked chain: a reference, so a lookup takes no copy of it. Its mutable parts are
    /// changed only under the state's lock.
    final class Chain: @unchecked Sendable {
        let label: String
        let id: Int
        let span: any Span
        // Changed and read only under the state's lock, so the runtime's exclusivity checks (a few percent of a
        // traced callback) are left out.
        /// The names of its pairs, by index (pairs are numbered from 0 as they are added).
        @exclusivity(unchecked) var names: [(callback: String, errback: String)] = []
        @exclusivity(unchecked) var run: (any Span)?
        @exclusivity(unchecked) var wait: (any Span)?

        init(label: String, id: Int, span: any Span) {
            self.label = label
            self.id = id
            self.span = span
        }

        func names(at index: Int) -> (callback: String, errback: String)? {
            index >= 0 && index < names.count ? names[index] : nil
        }

        func setNames(_ pair: (callback: String, errback: String), at index: Int) {
            names.store(pair, atPair: index, filling: ("", ""))
        }
    }

    struct State {
        var chains: [ObjectIdentifier: Chain] = [:]
        var nextID = 1
        var stopped = false
        /// The chain looked up last (a chain's events mostly come together): no hashing when it is asked for
        /// again. Cleared when that chain goes.
        var last: (key: ObjectIdentifier, chain: Chain)?

        mutating func chain(_ key: ObjectIdentifier) -> Chain? {
            if let last, last.key == key { return last.chain }
            guard let chain = chains[key] else { return nil }
            last = (key, chain)
            return chain
        }

        mutating func remove(_ key: ObjectIdentifier) -> Chain? {
            if last?.key == key { last = nil }
            return chains.removeValue(forKey: key)
        }
    }

    private let state = NIOLockedValueBox(State())
    private let tracer: any Tracer
    private let followChained: Bool

    /// A monitor emitting through `tracer` (by default the bootstrapped one).
    ///
    /// - Parameter followChained: On its own, whether Deferreds that tracked ones return, wait on or chain to
    ///   are tracked too (as `JSONMonitor(followChained:)`; given to a `JSONMonitor`, that monitor decides).
    public init(tracer: (any Tracer)? = nil, followChained: Bool = true) {
        self.tracer = tracer ?? InstrumentationSystem.tracer
        self.followChained = followChained
        // Each Deferred made from now on keeps the context current where it was made: its chain's parent.
        CreationSites.startCapturingContext { InstrumentationContext.current }
    }

    deinit {
        CreationSites.stopCapturingContext()
    }

    /// The parent of a chain tracked by the program: the context its Deferred was made in, when captured, else
    /// the one current now.
    private static func context(of deferred: AnyDeferred) -> InstrumentationContext {
        deferred.creationContext as? InstrumentationContext ?? .current ?? .topLevel
    }

    /// Tracks `deferred` on its own (without a `JSONMonitor`), under `context` (by default the context it was
    /// made in, or, made before this monitor existed, the current one).
    public func track<Value>(_ deferred: Deferred<Value>, label: String, context: InstrumentationContext? = nil) {
        let base = deferred.base
        guard base.observer == nil else { return }
        if start(base, label: label, context: context ?? Self.context(of: base), trackedBy: .user) {
            base.observer = self
        }
    }

    /// Ends every span still open (chains not yet released); later events are not traced.
    public func stop() {
        let open = state.withLockedValue { state -> [Chain] in
            state.stopped = true
            state.last = nil
            defer { state.chains.removeAll() }
            return Array(state.chains.values)
        }
        for chain in open {
            chain.run?.end()
            chain.wait?.end()
            chain.span.attributes[Key.endedBy] = MonitorVocabulary.EndedBy.monitorStopped.rawValue
            chain.span.end()
        }
    }

    /// Starts the chain span of `deferred`; whether it did (not stopped, not tracked already).
    ///
    /// - Parameter id: The chain's id: the `JSONMonitor`'s, so that spans and `mon.out` agree; on its own, the
    ///   next of this monitor's.
    @discardableResult
    private func start(
        _ deferred: AnyDeferred, id given: Int? = nil, label: String, context: InstrumentationContext,
        trackedBy: MonitorVocabulary.TrackedBy
    ) -> Bool {
        let key = ObjectIdentifier(deferred)
        guard state.withLockedValue({ !$0.stopped && $0.chains[key] == nil }) else { return false }
        let span = tracer.startSpan(label, context: context, ofKind: .internal)
        let id = state.withLockedValue { state -> Int? in
            guard !state.stopped, state.chains[key] == nil else { return nil }
            let id = given ?? state.nextID
            if given == nil { state.nextID += 1 }
            state.chains[key] = Chain(label: label, id: id, span: span)
            return id
        }
        guard let id else {
            span.end()
            return false
        }
        // Attributes only for a span that is recorded: setting one on a span that is not still builds them.
        guard span.isRecording else { return true }
        span.attributes[Key.deferredID] = id
        span.attributes[Key.trackedBy] = trackedBy.rawValue
        if let site = deferred.creationSite { span.attributes[Key.createdAt] = "\(site.file):\(site.line)" }
        return true
    }

    private func chain(_ deferred: AnyDeferred) -> Chain? {
        state.withLockedValue { $0.chain(ObjectIdentifier(deferred)) }
    }

    /// Changes the chain of `deferred`, under the lock.
    private func update(_ deferred: AnyDeferred, _ body: (Chain) -> Void) {
        let key = ObjectIdentifier(deferred)
        state.withLockedValue { state in
            if let chain = state.chain(key) { body(chain) }
        }
    }

    /// The chain span of `other`, reached from `deferred`; on its own and following, it tracks `other` first.
    private func follow(_ other: AnyDeferred, from deferred: AnyDeferred, how: String) -> (any Span)? {
        if other.observer == nil, followChained, let parent = chain(deferred),
            start(other, label: "\(how) \(parent.label) #\(parent.id)", context: parent.span.context, trackedBy: .chained)
        {
            other.observer = self
        }
        return chain(other)?.span
    }

    // MARK: As a JSONMonitor's companion

    /// Starts the chain span of a Deferred the monitor tracks, with the monitor's label and id.
    public func monitorTracked(_ deferred: AnyDeferred, label: String, id: Int, from parent: AnyDeferred?) {
        let context = parent.flatMap { chain($0)?.span.context } ?? Self.context(of: deferred)
        start(deferred, id: id, label: label, context: context, trackedBy: parent == nil ? .user : .chained)
    }

    /// Ends every span still open, as ``stop()``.
    public func monitorStopped() { stop() }

    // MARK: As an observer (alone, or beside a JSONMonitor)

    public func deferred(_ deferred: AnyDeferred, didRecord event: DeferredEvent) {
        record(event, of: deferred)
    }

    public func deferredWasReleased(_ id: ObjectIdentifier, observerSlot: Int, unhandled: Failure?) {
        end(id, unhandled: unhandled)
    }

    // MARK: Events

    private func record(_ event: DeferredEvent, of deferred: AnyDeferred) {
        switch event {
        case .added(let index, let callback, let errback, let kind, let file, let line):
            let names = (Self.text(callback, kind, file, line), Self.text(errback, kind, file, line))
            update(deferred) { $0.setNames(names, at: index) }
        case .fired:
            // Describing the value is most of the cost: only for a span that is recorded.
            guard let chain = chain(deferred), chain.span.isRecording else { return }
            var attributes: SpanAttributes = [:]
            switch deferred.state {
            case .failure(let failure):
                attributes[Key.path] = MonitorVocabulary.Path.error.rawValue
                attributes[Key.value] = ValueDescription.describe(failure)
            case .success(let value):
                attributes[Key.path] = MonitorVocabulary.Path.success.rawValue
                attributes[Key.value] = ValueDescription.describe(value)
            default: break
            }
            chain.span.addEvent(SpanEvent(name: SpanVocabulary.Event.fired, attributes: attributes))
        case .waiting(let inner):
            guard let chain = chain(deferred) else { return }
            let target = follow(inner, from: deferred, how: "returned to")
            let targetID = self.chain(inner)?.id
            // Named as the export names it: `wait on #2`, with the id attribute and the link.
            let wait = tracer.startSpan(
                "wait on #\(targetID.map(String.init) ?? "?")", context: chain.span.context, ofKind: .internal)
            if let target, let targetID {
                wait.attributes[Key.on] = targetID
                wait.addLink(SpanLink(context: target.context, attributes: [Key.link: .string(SpanVocabulary.Link.waitedOn.rawValue)]))
            }
            update(deferred) { $0.wait = wait }
        case .resumed:
            var wait: (any Span)?
            update(deferred) { chain in
                wait = chain.wait
                chain.wait = nil
            }
            wait?.end()
        case .chained(let target):
            guard let chain = chain(deferred), let other = follow(target, from: deferred, how: "chained from") else {
                return
            }
            chain.span.addLink(SpanLink(context: other.context, attributes: [Key.link: .string(SpanVocabulary.Link.chained.rawValue)]))
        case .cancelled:
            chain(deferred)?.span.addEvent(SpanEvent(name: SpanVocabulary.Event.cancelled))
        case .willRun(let index, let onErrorPath):
            runStarted(deferred, index: index, onErrorPath: onErrorPath)
        case .didRun(_, let returned):
            runEnded(deferred, returned: returned)
        case .skipped, .pauseChanged:
            break
        }
    }

    public func deferred(
        _ deferred: AnyDeferred, willRunPairAt index: Int, onErrorPath: Bool, after previous: UInt64?
    ) -> UInt64 {
        runStarted(deferred, index: index, onErrorPath: onErrorPath)
        return 0
    }

    public func deferred(
        _ deferred: AnyDeferred, didRunPairAt index: Int, onErrorPath: Bool, returned: AnyDeferred?, token: UInt64
    ) -> UInt64 {
        runEnded(deferred, returned: returned)
        return 0
    }

    private func runStarted(_ deferred: AnyDeferred, index: Int, onErrorPath: Bool) {
        let key = ObjectIdentifier(deferred)
        let found = state.withLockedValue { state -> (String?, InstrumentationContext)? in
            guard let chain = state.chain(key) else { return nil }
            let names = chain.names(at: index)
            return (onErrorPath ? names?.errback : names?.callback, chain.span.context)
        }
        guard let (name, context) = found else { return }
        let run = tracer.startSpan(name ?? "pair \(index)", context: context, ofKind: .internal)
        if run.isRecording {
            run.attributes[Key.pair] = index
            run.attributes[Key.path] = (onErrorPath ? SpanVocabulary.RunSide.errback : .callback).rawValue
        }
        update(deferred) { $0.run = run }
    }

    private func runEnded(_ deferred: AnyDeferred, returned: AnyDeferred?) {
        var run: (any Span)?
        update(deferred) { chain in
            run = chain.run
            chain.run = nil
        }
        guard let run else { return }
        // Describing values is most of the cost: only for a span that is recorded.
        guard run.isRecording else { return run.end() }
        if let returned {
            if let target = follow(returned, from: deferred, how: "returned to") {
                run.addLink(SpanLink(context: target.context, attributes: [Key.link: .string(SpanVocabulary.Link.returned.rawValue)]))
            }
        } else {
            switch deferred.state {
            case .failure(let failure):
                run.recordError(failure.error)
                run.setStatus(SpanStatus(code: .error, message: ValueDescription.describe(failure)))
            case .success(let value):
                run.attributes[Key.output] = ValueDescription.describe(value)
            default: break
            }
        }
        run.end()
    }

    private func end(_ id: ObjectIdentifier, unhandled: Failure?) {
        guard let chain = state.withLockedValue({ $0.remove(id) }) else { return }
        chain.run?.end()
        chain.wait?.end()
        if let unhandled {
            chain.span.recordError(unhandled.error)
            chain.span.setStatus(SpanStatus(code: .error, message: "unhandled: " + ValueDescription.describe(unhandled)))
        }
        chain.span.attributes[Key.endedBy] = MonitorVocabulary.EndedBy.released.rawValue
        chain.span.end()
    }

    /// A pair half's name: its label, `pass`, or (unlabelled) how and where it was added.
    static func text(_ name: CallbackName, _ kind: StaticString, _ file: String, _ line: UInt) -> String {
        switch name {
        case .named(let text): text
        case .passThrough: "pass"
        case .unnamed: "\(kind) at \(file):\(line)"
        }
    }
}
