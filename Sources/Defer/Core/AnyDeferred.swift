/// The untyped deferred: one callback chain, Twisted's exact semantics, results as `Any`.
///
/// `Deferred<Value>` is a typed face over this class; every `addCallback` on it extends this same chain, so
/// pausing, cancelling or adding callbacks later always acts on the one object, as in Twisted. Use `AnyDeferred`
/// directly for heterogeneous collections, or to write adapters that work on any chain.
///
/// A deferred never schedules anything: firing runs the chain synchronously, in a loop (never by recursion, so
/// chains of any length use constant stack). It is not thread-safe: drive it from one thread at a time, normally
/// the reactor's (cross threads with `Reactor.callFromThread`).
public final class AnyDeferred {
    // The pairs still to run are links[cursor...]; a `resume` link is Twisted's CONTINUE hand-off marker.
    @usableFromInline
    enum Link {
        /// A pair; `halves` says which halves run (`Halves`), the other passes the result through.
        case step(ChainStep, halves: Halves)
        case resume(AnyDeferred)
        /// A link the run loop has taken out to run (the slots before `cursor`).
        case taken
    }

    /// Which halves of a pair are real functions (the others are pass-throughs).
    @usableFromInline
    struct Halves: OptionSet, Sendable {
        @usableFromInline let rawValue: UInt8
        @usableFromInline init(rawValue: UInt8) { self.rawValue = rawValue }
        @usableFromInline static let callback = Halves(rawValue: 1)
        @usableFromInline static let errback = Halves(rawValue: 2)
        @usableFromInline static let both: Halves = [.callback, .errback]
    }

    // Exclusivity: a deferred is confined to one thread, and the run loop never holds an access to these
    // properties across a call into user code (it copies the link out first), so the dynamic exclusivity
    // checks — about a tenth of a callback's cost in the profile — are switched off for the chain's hot state.
    @usableFromInline @exclusivity(unchecked) var links: [Link] = []
    /// Index of the next pair in `links` (32 bits, beside the pause counter: a pending deferred is a whole
    /// allocation size class smaller; `links` is emptied whenever the cursor reaches its end).
    @exclusivity(unchecked) var cursor: Int32 = 0
    @exclusivity(unchecked) var pauseCountStorage: Int32 = 0
    /// Rarely used state, allocated on first use (see `DeferredExtras`).
    @usableFromInline @exclusivity(unchecked) var extras: DeferredExtras?

    @inline(__always) var extrasForWriting: DeferredExtras {
        if let extras { return extras }
        let made = DeferredExtras()
        extras = made
        return made
    }

    var canceller: ((AnyDeferred) throws -> Void)? {
        get { extras?.canceller }
        set { if newValue != nil || extras != nil { extrasForWriting.canceller = newValue } }
    }

    var debugInfo: DebugInfo? {
        get { extras?.debugInfo }
        set { if newValue != nil || extras != nil { extrasForWriting.debugInfo = newValue } }
    }

    /// Whether the deferred has fired (Twisted's `called`).
    public var isCalled: Bool { isCalledStorage }
    /// Twisted's raw pause counter: explicit pauses plus one while waiting on another deferred.
    public internal(set) var pauseCount: Int {
        @inline(__always) get { Int(pauseCountStorage) }
        @inline(__always) set { pauseCountStorage = Int32(newValue) }
    }
    /// The deferred this one waits on (Twisted's `_chainedTo`), set by implicit chaining and on a
    /// `chainDeferred` target, until it runs callbacks again.
    ///
    /// Implicit chaining keeps it in `state` (`.waiting`); a `chainDeferred` target keeps it out of line. The
    /// later of the two wins, as in Twisted (entering a wait clears the out-of-line one).
    public var waitingOn: AnyDeferred? {
        if let chained = extras?.chainedTo { return chained }
        if case .waiting(let inner) = stateStorage { return inner }
        return nil
    }
    /// Receives this deferred's events (the monitor's hook); `nil` costs one branch per event.
    public var observer: (any DeferredObserver)? {
        @inline(__always) get { extras?.observer }
        set { if newValue != nil || extras != nil { extrasForWriting.observer = newValue } }
    }
    /// The pair running now, as announced to the observer (`nil` when none is running or nothing observes this
    /// deferred): an observer that records runs when they end can see that one is under way.
    public var runInProgress: RunInProgress? { extras?.runInProgress }

    /// Storage for the observer's own bookkeeping about this deferred (the monitor keeps its chain index here).
    public var observerSlot: Int {
        get { extras?.observerSlot ?? 0 }
        set { extrasForWriting.observerSlot = newValue }
    }

    /// Makes an unfired deferred, with an optional canceller that `cancel()` calls while it is unfired.
    ///
    /// - Parameter canceller: Called at most once with this deferred; it may fire it. If it leaves it unfired,
    ///   `cancel()` errbacks it with `CancelledError`.
    ///   A canceller that throws leaves the deferred unfired: ``cancelOrThrow()`` throws what it threw, and
    ///   ``cancel()`` reports it (Twisted's `cancel()` raises it).
    public init(canceller: ((AnyDeferred) throws -> Void)? = nil, file: String = #fileID, line: UInt = #line) {
        if let canceller { self.canceller = canceller }
        if DeferredDebug.isEnabled { debugInfo = DebugInfo(createdAt: "\(file):\(line)") }
        if CreationSites.isRecording {
            extrasForWriting.creationSite = (file, line)
            if let context = CreationSites.currentContext() { extrasForWriting.creationContext = context }
        }
    }

    /// Where the deferred was made (`#fileID` and line of its `init`), when ``CreationSites`` was recording then.
    public var creationSite: (file: String, line: UInt)? { extras?.creationSite }

    /// The context captured when the deferred was made (see ``CreationSites/startCapturingContext(_:)``).
    public var creationContext: (any Sendable)? { extras?.creationContext }

    deinit {
        let pendingFailure: Failure?
        if failureUnhandled, case .failure(let failure) = stateStorage {
            pendingFailure = failure
        } else {
            pendingFailure = nil
        }
        if let extras, let observer = extras.observer {
            observer.deferredWasReleased(ObjectIdentifier(self), observerSlot: extras.observerSlot, unhandled: pendingFailure)
        }
        guard let failure = pendingFailure else { return }
        let report = UnhandledError(
            failure: failure, deferredID: UInt64(UInt(bitPattern: ObjectIdentifier(self).hashValue)),
            createdAt: debugInfo?.createdAt, firstFiredAt: debugInfo?.firstFiredAt)
        UnhandledError.sink(report)
    }

    /// A stable identity for this chain while it is alive.
    public var id: ObjectIdentifier { ObjectIdentifier(self) }

    /// Whether the pause counter is non-zero.
    public var isPaused: Bool { pauseCount != 0 }

    /// The current result (Twisted's `result`): pending, a value, a failure, or the deferred it waits on.
    public var state: DeferredState { stateStorage }

    /// The current success value as a `V`, as `as?` would give it (`nil` also for a failure or no result yet).
    /// Fast when the value is exactly a `V` (see `exactCast`): how observers pick out common value types.
    @inlinable
    public func currentValue<V>(as _: V.Type) -> V? {
        if let found = successValueInPlace(V.self) { return found }
        guard case .success(let value) = stateStorage else { return nil }
        return exactCast(value, to: V.self)
    }

    // MARK: Firing

    /// Starts the chain with a success value.
    ///
    /// - Throws: `AlreadyCalledError` if it already fired (except for the one late result that a `cancel()`
    ///   without a canceller swallows).
    public func callback(_ value: Any, file: String = #fileID, line: UInt = #line) throws(AlreadyCalledError) {
        if let failure = value as? Failure {
            try fire(.failure(failure), file: file, line: line)
        } else {
            try fire(.success(value), file: file, line: line)
        }
    }

    /// Starts the chain on the error path; an error that is not a `Failure` is wrapped in one.
    ///
    /// - Throws: `AlreadyCalledError` if it already fired (with the same exception as `callback(_:)`).
    public func errback(_ error: any Error, file: String = #fileID, line: UInt = #line) throws(AlreadyCalledError) {
        let failure = (error as? Failure) ?? Failure(error: error, origin: nil, site: CallSite(file: file, line: line))
        try fire(.failure(failure), file: file, line: line)
    }

    func fire(_ result: Result<Any, Failure>, file: String, line: UInt) throws(AlreadyCalledError) {
        if isCalled {
            if suppressAlreadyCalled {
                suppressAlreadyCalled = false
                return
            }
            if let debugInfo {
                throw AlreadyCalledError(
                    detail: " C: Deferred was created: \(debugInfo.createdAt)"
                        + " I: First Invoker was: \(debugInfo.firstFiredAt ?? "?")")
            }
            throw AlreadyCalledError()
        }
        if debugInfo != nil { debugInfo?.firstFiredAt = "\(file):\(line)" }
        isCalledStorage = true
        if extras != nil { canceller = nil }
        switch result {
        case .success(let value): stateStorage = .success(value)
        case .failure(let failure): stateStorage = .failure(failure)
        }
        observer?.deferred(self, didRecord: .fired)
        runCallbacks()
    }

    // MARK: Adding callbacks

    /// Appends a pair. Labels are only turned into text when an observer wants them: `nil` for a pass-through
    /// half, `.some(nil)` for an unnamed function (described by its kind and call site).
    ///
    /// Inlined into the typed API, so an unobserved append is a few stores with the labels folded away.
    @inlinable
    func append(
        _ step: consuming @escaping ChainStep, callback: String??, errback: String??, kind: StaticString, file: String, line: UInt
    ) {
        let halves: Halves = callback == nil ? .errback : (errback == nil ? .callback : .both)
        if extras != nil || CreationSites.isRecording {
            reportAdded(callback: callback, errback: errback, kind: kind, file: file, line: line)
        }
        if links.capacity == 0 { links.reserveCapacity(4) }
        links.append(.step(step, halves: halves))
        if isCalledStorage { runCallbacks() }
    }

    /// Tells `observer` that the pair announced by `willRunPairAt` has run, handing back its token; returns what
    /// the observer returned (for the next `willRunPairAt`).
    @inline(never)
    func reportRunEnded(to observer: any DeferredObserver, index: Int, returned: AnyDeferred?) -> UInt64? {
        guard let run = extras?.runInProgress else { return nil }
        extras?.runInProgress = nil
        return observer.deferred(
            self, didRunPairAt: index, onErrorPath: run.onErrorPath, returned: returned, token: run.token)
    }

    /// Tells the observer, if any, about the pair about to be appended; with none, notes the pair while
    /// ``CreationSites`` records, so that an observer attached later learns its names (``notedPairs``).
    @usableFromInline
    func reportAdded(callback: String??, errback: String??, kind: StaticString, file: String, line: UInt) {
        func name(_ label: String??) -> CallbackName {
            switch label {
            case .none: .passThrough
            case .some(.none): .unnamed
            case .some(.some(let text)): .named(text)
            }
        }
        guard let observer else {
            guard CreationSites.isRecording else { return }
            let note = NotedPair(
                index: nextPairIndex, callback: name(callback), errback: name(errback), kind: kind, file: file,
                line: line)
            extrasForWriting.notedPairs.append(note)
            return
        }
        observer.deferred(
            self, didAddPairAt: nextPairIndex, callback: name(callback),
            errback: name(errback), kind: kind, file: file, line: line)
    }

    /// The pairs added before an observer was attached, noted while ``CreationSites`` recorded (oldest first);
    /// taking them empties the list.
    public func takeNotedPairs() -> [NotedPair] {
        guard let extras, !extras.notedPairs.isEmpty else { return [] }
        defer { extras.notedPairs = [] }
        return extras.notedPairs
    }

    /// The index of the next pair to run (the pairs before it have run).
    public var firstQueuedPairIndex: Int { nextPairIndex - queuedPairCount }

    /// The index the next pair added to this chain gets: the number of pairs ever added.
    public var nextPairIndex: Int { cursorBase + links.count - Int(cursor) }

    /// Adds one callback/errback pair; a `nil` half passes the current result through unchanged.
    ///
    /// An error thrown by `callback` goes to the *next* pair's errback, not to `errback` (Twisted's pair rule).
    @discardableResult
    public func addCallbacks(
        _ callback: ((Any) throws -> CallbackResult)?,
        _ errback: ((Failure) throws -> CallbackResult)?,
        callbackLabel: String? = nil, errbackLabel: String? = nil,
        file: String = #fileID, line: UInt = #line
    ) -> AnyDeferred {
        append(
            Steps.untyped(callback, errback), callback: callback.map { _ in callbackLabel },
            errback: errback.map { _ in errbackLabel }, kind: "callbacks", file: file, line: line)
        return self
    }

    // MARK: The run loop

    /// Twisted's `_runCallbacks`: runs every pair it can, resuming waiting deferreds bottom-up, in one loop.
    @usableFromInline
    func runCallbacks() {
        if runningCallbacks { return }
        // `stack` holds the deferreds below `current` whose chains resume after it (Twisted's `chain`).
        var stack = ResumeStack()
        var next: AnyDeferred? = self
        while let current = next {
            if current.pauseCountStorage != 0 { return }  // everything below keeps waiting
            current.clearChainedTo()
            var finished = true
            // What the observer returned for the run just before, while the pass goes straight from run to run.
            var previousRunEnd: UInt64?
            pairs: while Int(current.cursor) < current.links.count {
                // Move the link out rather than copy it: no retain now and no release when the array is emptied.
                let link = current.takeLink(at: Int(current.cursor))
                current.cursor += 1
                if Int(current.cursor) == current.links.count {
                    current.cursorBase += current.links.count
                    current.links.removeAll(keepingCapacity: true)
                    current.cursor = 0
                }
                switch consume link {
                case .taken: preconditionFailure("a chain link ran twice")
                case .resume(let waiter):
                    // Hand our result to the deferred waiting on us; we keep `None`.
                    waiter.stateStorage = current.takeResult()
                    waiter.pauseCountStorage -= 1
                    waiter.observer?.deferred(waiter, didRecord: .resumed(from: current))
                    stack.push(current)
                    next = waiter
                    finished = false
                    break pairs
                case .step(let step, let halves):
                    let observer = current.observer
                    let afterRun = previousRunEnd
                    previousRunEnd = nil
                    let index = current.cursorBase + Int(current.cursor) - 1
                    if let observer {
                        // Only an observer needs the track before the step runs (the step itself checks it).
                        let onErrorPath = current.isOnErrorPath
                        guard halves.contains(onErrorPath ? .errback : .callback) else {
                            // A pass-through half: the result goes on unchanged.
                            observer.deferred(current, didRecord: .skipped(index: index))
                            continue
                        }
                        let token = observer.deferred(
                            current, willRunPairAt: index, onErrorPath: onErrorPath, after: afterRun)
                        current.extras?.runInProgress = RunInProgress(index: index, onErrorPath: onErrorPath, token: token)
                    }
                    current.runningCallbacks = true
                    let outcome = step(current)
                    current.runningCallbacks = false
                    let inner: AnyDeferred
                    switch outcome {
                    case .passedThrough: continue  // a pass-through half (an observer was told before the step)
                    case .stored:
                        if let observer {
                            previousRunEnd = current.reportRunEnded(to: observer, index: index, returned: nil)
                        }
                        continue
                    case .returned(let returned): inner = returned
                    }
                    if let observer { _ = current.reportRunEnded(to: observer, index: index, returned: inner) }
                    if inner === current {
                        current.stateStorage = .failure(Failure(error: SelfChainingError(), origin: nil, site: nil))
                        continue
                    }
                    let innerHasResult: Bool
                    switch inner.stateStorage {
                    case .success, .failure: innerHasResult = inner.pauseCountStorage == 0
                    case .pending, .waiting: innerHasResult = false
                    }
                    if innerHasResult {
                        // Already fired and not paused: take its result at once.
                        current.stateStorage = inner.takeResult()
                        observer?.deferred(current, didRecord: .resumed(from: inner))
                    } else {
                        // Wait on `inner`: its run loop hands its result back through a resume link.
                        current.pauseCountStorage += 1
                        current.clearChainedTo()
                        current.stateStorage = .waiting(inner)
                        observer?.deferred(current, didRecord: .waiting(on: inner))
                        inner.links.append(.resume(current))
                        break pairs
                    }
                }
            }
            if finished {
                if case .failure = current.stateStorage {
                    current.failureUnhandled = true
                } else {
                    current.failureUnhandled = false
                }
                next = stack.pop()
            }
        }
    }

    /// Moves the link at `index` out of `links`, leaving `.taken`.
    @inline(__always)
    func takeLink(at index: Int) -> Link {
        var taken = Link.taken
        swap(&taken, &links[index])
        return taken
    }

    /// Moves the current result out, leaving `()` (Twisted's `None`) and nothing unhandled: used when a waiting
    /// deferred takes this one's result.
    @inline(__always)
    func takeResult() -> DeferredState {
        var taken = DeferredState.success(())
        swap(&taken, &stateStorage)
        failureUnhandled = false
        return taken
    }

    /// Forgets a `chainDeferred` source: this deferred runs its own callbacks again (or waits on another).
    @inline(__always)
    func clearChainedTo() {
        if let extras, extras.chainedTo != nil { extras.chainedTo = nil }
    }

    /// Whether the current result is a failure (the errback track).
    var isOnErrorPath: Bool {
        if case .failure = stateStorage { return true }
        return false
    }

    /// How many callback/errback pairs are queued and not run yet.
    public var queuedPairCount: Int {
        links[Int(cursor)...].reduce(0) { count, link in
            if case .step = link { return count + 1 }
            return count
        }
    }

    /// The deferreds an aggregate (`deferredList`, `gatherResults`, `race`) waits for; the monitor follows them.
    public internal(set) var members: [AnyDeferred]? {
        get { extras?.members }
        set { if newValue != nil || extras != nil { extrasForWriting.members = newValue } }
    }

    /// Index of `links[0]` among all pairs ever added (pairs are dropped once run).
    @exclusivity(unchecked) var cursorBase = 0
    @usableFromInline @exclusivity(unchecked) var stateStorage: DeferredState = .pending
    // The flags come last so they share the final word with the result's enum tag (stored properties are laid
    // out in declaration order): that keeps a deferred in a smaller allocation size class.
    @usableFromInline @exclusivity(unchecked) var isCalledStorage = false
    @exclusivity(unchecked) var runningCallbacks = false
    @exclusivity(unchecked) var suppressAlreadyCalled = false
    /// Whether the failure in `stateStorage` is one the chain ended on and nobody has handled yet: reported if the
    /// deferred is released so (a flag rather than a second reference to the failure keeps the object small).
    @exclusivity(unchecked) var failureUnhandled = false
}

/// The run loop's stack of deferreds whose chains resume after the one running. It is almost always one deep
/// (a callback returned a deferred that fired later), so the top is kept apart and the array, allocated only
/// when the stack grows deeper, stays empty.
struct ResumeStack {
    private var top: AnyDeferred?
    private var below: [AnyDeferred] = []

    mutating func push(_ deferred: AnyDeferred) {
        if let top { below.append(top) }
        top = deferred
    }

    mutating func pop() -> AnyDeferred? {
        defer { top = below.popLast() }
        return top
    }
}

extension CallbackResult {
    init(_ result: Result<Any, Failure>) {
        switch result {
        case .success(let value): self = .value(value)
        case .failure(let failure): self = .failure(failure)
        }
    }
}

@available(*, unavailable)
extension AnyDeferred: Sendable {}
