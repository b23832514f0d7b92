public import Actions
public import Defer
public import EventLog
import Foundation
import NIOConcurrencyHelpers

/// Records what happens to chosen deferreds — every callback and errback added and run, with timings, results,
/// failures, waits and chaining — as an Eliot log (`mon.out`).
///
/// ```swift
/// let monitor = JSONMonitor(followChained: true)
/// monitor.track(d, label: "fetchUser")
/// ...
/// try monitor.dump(to: "mon.out")      // or JSONMonitor(streamingTo: "mon.out")
/// ```
///
/// By default events are kept in memory (at most `bufferLimit` messages; the number dropped beyond that is written
/// into the output) until `dump(to:)`. A streaming monitor hands its events to a writer thread instead, which
/// writes them as they come, so a crash loses at most the last moments; its backlog is bounded too (an event that
/// finds it full waits up to `backlogWait` for the writer, then is dropped and counted), write failures are counted and reported (``writeReport``, and the return of
/// ``stop()``), losses are said in the log itself once it can be written again, and a process that exits without
/// `stop()` lets it drain for up to three seconds. The message vocabulary is in `docs/monitor-format.md`.
///
/// Tracking never changes a chain's results or ordering. The monitor is safe to use from any thread; each
/// deferred reports its events on the thread that drives it.
public final class JSONMonitor: DeferredObserver {
    /// Whether deferreds that a tracked one waits on, chains to or aggregates are tracked automatically.
    public let followChained: Bool
    /// How much of each value is written (``ValuePolicy``: `.full` by default).
    public let values: ValuePolicy
    /// The most events kept in memory until `dump(to:)` (buffered mode).
    public let bufferLimit: Int
    /// The most memory, in bytes, the events waiting for the writer may take (streaming mode).
    public let backlogBytes: Int
    /// How long an event that finds the backlog full waits for the writer before it is dropped (streaming mode).
    public let backlogWait: Duration
    /// Told of every event of every chain after the monitor recorded it (a `TracingMonitor` emitting live spans):
    /// one more observer, in the Deferred's one observer slot with the monitor through a ``MultiplexObserver``
    /// (give it a `MultiplexObserver` to tell several). A ``MonitorChainObserver`` is told of chains and stop too.
    public let companion: (any DeferredObserver)?
    /// The flight recorder's settings and automatic records (`nil` unless made with `flightRecorder:`).
    let flight: FlightControl?
    /// A run longer than this, in ticks, fires the flight recorder's blocking trigger (`UInt64.max`: none).
    let blockingTicks: UInt64

    let state: NIOLockedValueBox<State>
    let writer: WriterThread<MonitorStream>?
    /// The `fork` generation the writer thread was started in: in a forked child the thread is gone.
    private let forkGeneration = ForkGeneration.current
    /// Stamps events in ticks; `origin` anchors them to the system clock when they are encoded.
    let clock: MonitorClock
    let origin: MonitorClock.Anchor

    struct State {
        /// The live chains' records (an ended chain's goes).
        var chains = ChainTable()
        var events = EventBuffer()
        var dropped = 0
        /// How many of `dropped` the streaming writer has been told of.
        var droppedDrained = 0
        var stopped = false
        /// Set when an event was dropped for want of room: later ones are dropped without waiting until the writer
        /// takes the backlog (so a stalled disk slows the program once, not at every event).
        var overflowing = false
        /// How many times the writer took the backlog.
        var drains: UInt64 = 0
        /// The fan-out put in the slot of tracked Deferreds when there is a companion: made on the first track,
        /// and kept while a Deferred holds it (weak: it holds the monitor).
        weak var fanOut: MultiplexObserver?
        /// A flight recorder's closed segments (`nil` for other monitors).
        var flight: FlightRing?
        /// The buffer is closed into `flight` when it holds this many events or an event comes at this tick
        /// (both never without a flight recorder).
        var closeAt = Int.max
        var closeDeadline = UInt64.max

        /// After an event stamped `time` went into the buffer: closes it into the flight record when it is due.
        @inline(__always)
        mutating func noteAppended(time: UInt64) {
            if events.count >= closeAt || time >= closeDeadline { closeSegment(at: time) }
        }

        @inline(never)
        mutating func closeSegment(at time: UInt64) {
            guard flight != nil else { return }
            flight!.close(&events, at: time)
            let ticks = flight!.segmentTicks
            closeDeadline = ticks == .max ? .max : time &+ ticks
        }

        /// Whether the events held reach either bound.
        @inline(__always)
        func isFull(events limit: Int, bytes: Int) -> Bool {
            events.count >= limit || events.bytes >= bytes
        }
    }

    /// What a streaming monitor's writer did: lines written, events lost (refused by the file, or dropped when the
    /// backlog was full), and the last write error.
    public typealias WriteReport = Actions.WriteReport

    /// A monitor that buffers events in memory until `dump(to:)`.
    ///
    /// - Parameters:
    ///   - followChained: Also track every deferred a tracked one waits on, `chainDeferred`s to, or aggregates.
    ///   - bufferLimit: The most events kept; beyond it new ones are dropped and counted.
    ///   - clock: Stamp events with this reactor's clock instead of the system's: under a `ManualReactor`, the
    ///     durations in the log are the test clock's, so a test can assert them exactly.
    ///   - values: How much of each value is written (``ValuePolicy``).
    ///   - companion: Told of every event of every tracked chain too, after the monitor (see ``companion``).
    public convenience init(
        followChained: Bool = false, bufferLimit: Int = 1_000_000, clock: (any ReactorTime)? = nil,
        values: ValuePolicy = .full, companion: (any DeferredObserver)? = nil
    ) {
        self.init(
            followChained: followChained, bufferLimit: bufferLimit, clock: clock, values: values, companion: companion,
            flight: nil)
    }

    /// A buffered monitor, or with `flight` a flight recorder (`init(followChained:flightRecorder:...)`).
    init(
        followChained: Bool, bufferLimit: Int, clock reactor: (any ReactorTime)?, values: ValuePolicy,
        companion: (any DeferredObserver)?, flight settings: FlightRecorder?
    ) {
        self.followChained = followChained
        self.values = values
        self.companion = companion
        self.bufferLimit = settings == nil ? bufferLimit : .max
        self.backlogBytes = .max
        self.backlogWait = .zero
        self.writer = nil
        let clock = Self.clock(reactor)
        self.clock = clock
        self.origin = clock.anchor()
        var state = State()
        if let settings {
            // Measured only when a duration must be turned into ticks (it takes a couple of milliseconds).
            let needsTicks = settings.window != nil || (settings.directory != nil && settings.triggers.contains(.blockingCallback))
            let ticksPerSecond = needsTicks ? clock.ticksPerSecond() : 1e9
            let ring = FlightRing(
                capacity: settings.events, windowTicks: settings.window.map { Self.ticks($0, at: ticksPerSecond) })
            state.flight = ring
            state.closeAt = ring.segmentEvents
            state.closeDeadline = ring.segmentTicks == .max ? .max : clock.now() &+ ring.segmentTicks
            let control = FlightControl(settings)
            flight = control
            blockingTicks =
                control.triggers.contains(.blockingCallback)
                ? Self.ticks(settings.blockingThreshold, at: ticksPerSecond) : .max
        } else {
            flight = nil
            blockingTicks = .max
        }
        self.state = NIOLockedValueBox(state)
        CreationSites.startRecording()
        flight?.start(for: self)
    }

    deinit {
        flight?.stop(until: .now())
        CreationSites.stopRecording()
    }

    /// A monitor that streams events to `path` through the package's writer thread: tracking only queues events;
    /// the thread encodes and writes them.
    ///
    /// Call `stop()` before exiting to end idle chains and write everything out (a process that exits without it
    /// lets the writer drain for up to three seconds). `messages` stays empty.
    ///
    /// - Parameters:
    ///   - backlogBytes: The most memory the events waiting for the writer may take (32 MiB by default, about a
    ///     million events): an event that finds it full waits up to `backlogWait` for the writer to take the
    ///     backlog, then is dropped, counted, and said in the log (`reactortrack:dropped`).
    ///   - backlogWait: How long a tracked thread may be held up by a full backlog (a second by default): long
    ///     enough for the writer to catch up with a burst, once per stall of the disk.
    ///   - clock: Stamp events with this reactor's clock instead of the system's (see `init(followChained:...)`).
    /// - Throws: `ActionError` if the file cannot be opened or written.
    public convenience init(
        streamingTo path: String, followChained: Bool = false, backlogBytes: Int = 32 << 20,
        backlogWait: Duration = .seconds(1), clock reactor: (any ReactorTime)? = nil, values: ValuePolicy = .full,
        companion: (any DeferredObserver)? = nil
    ) throws(ActionError) {
        try self.init(
            streamingTo: try FileDestination(path: path, append: false), followChained: followChained,
            backlogBytes: backlogBytes, backlogWait: backlogWait, clock: reactor, values: values, companion: companion)
    }

    /// A monitor that streams to a file other writers share: give the same `FileDestination` to the actions
    /// (`LogDestinations.global.add(file)`), and chains and actions are in one log, on one clock. A chain tracked
    /// inside an action is written as an action inside it (see `track(_:label:)`).
    ///
    /// The parameters are those of ``init(streamingTo:followChained:backlogBytes:backlogWait:clock:)-(String,_,_,_,_)``;
    /// the format header is written first.
    public init(
        streamingTo destination: FileDestination, followChained: Bool = false, backlogBytes: Int = 32 << 20,
        backlogWait: Duration = .seconds(1), clock reactor: (any ReactorTime)? = nil, values: ValuePolicy = .full,
        companion: (any DeferredObserver)? = nil
    ) throws(ActionError) {
        self.followChained = followChained
        self.values = values
        self.companion = companion
        self.bufferLimit = .max
        self.flight = nil
        self.blockingTicks = .max
        self.backlogBytes = max(1, backlogBytes)
        self.backlogWait = backlogWait
        let state = NIOLockedValueBox(State())
        self.state = state
        let clock = Self.clock(reactor)
        let origin = clock.anchor()
        self.clock = clock
        self.origin = origin
        do { try destination.write(Self.header()) } catch {
            throw ActionError(code: .ioFailure, message: "\(destination.name): \(error)")
        }
        // The writer thread takes the recorded events in batches, under the same lock the tracked path records
        // with: one lock per event, whether buffered or streaming.
        let source = MonitorStream(
            drain: {
                state.withLockedValue { state in
                    defer {
                        state.events = EventBuffer()
                        state.droppedDrained = state.dropped
                        state.overflowing = false
                        state.drains &+= 1
                    }
                    return (state.events, state.dropped - state.droppedDrained)
                }
            },
            scale: { clock.scale(since: origin) }, destination: destination,
            encoder: NIOLockedValueBox(MonitorEncoder(scale: clock.scale(since: origin))))
        self.writer = WriterThread(name: "reactortrack.monitor.writer", source: source, exitDrainSeconds: 3)
        CreationSites.startRecording()
    }

    /// Starts recording `deferred`: its task begins now, and every later event is written into it.
    ///
    /// Tracked inside an Eliot action (``Actions/Action/current``), the chain is written as an action within it
    /// (Eliot's task and level: the action's task, at a child level the action reserves), so `tree` and `render`
    /// show the chain inside the action that started it, on the action's time axis, when both write to one log
    /// (see ``init(streamingTo:followChained:backlogBytes:backlogWait:clock:)-(FileDestination,_,_,_,_)``).
    /// Outside any action, or followed from another chain, it is a task of its own.
    ///
    /// Tracking the same deferred twice does nothing. Call it on the thread that drives the deferred.
    public func track<Value>(
        _ deferred: Deferred<Value>, label: String? = nil, file: String = #fileID, line: UInt = #line
    ) {
        track(deferred.base, label: label, file: file, line: line)
    }

    /// Starts recording an untyped deferred; see `track(_:label:)`.
    public func track(_ deferred: AnyDeferred, label: String? = nil, file: String = #fileID, line: UInt = #line) {
        track(deferred, label: label, trackedAt: (file, line), trackedBy: .user, in: Action.current)
    }

    /// The messages recorded so far (buffered mode), as they will be written (without header and the end
    /// messages that `dump(to:)` adds for idle chains).
    public var messages: [EventMessage] {
        guard writer == nil else { return [] }
        if flight != nil {
            // The record without its header.
            let record = EventLogReader(bytes: flightRecordLines(reason: .stop).bytes).readAll()
            return record.messages.dropFirst().map(\.message)
        }
        let events = state.withLockedValue { $0.events }
        var encoder = MonitorEncoder(scale: clock.scale(since: origin))
        var lines = LineBuilder()
        for event in events.inTimeOrder() { encoder.append(event, in: events, to: &lines) }
        return EventLogReader(bytes: lines.bytes).readAll().messages.map(\.message)
    }

    /// How many events the bounded buffer had to drop.
    public var droppedCount: Int { state.withLockedValue { $0.dropped } }

    /// What the streaming writer has written and lost so far (`nil` for a buffered monitor).
    public var writeReport: WriteReport? {
        writer?.report
    }

    /// Writes the recorded log to `path` (buffered mode), ending idle chains first (see the format document).
    ///
    /// - Throws: `ActionError` if the file cannot be written, or (``ActionError/Code/misuse``) if this monitor
    ///   streams: its events are in its own file already, and a dump would have nothing to add.
    public func dump(to path: String) throws(ActionError) {
        guard writer == nil else {
            throw ActionError(code: .misuse, message: "dump(to: \(path)) on a streaming monitor; call stop() instead")
        }
        endIdleChains()
        chainObserver?.monitorStopped()
        if flight != nil { return try writeFlightRecord(to: path, reason: .stop) }
        let (events, dropped) = state.withLockedValue { ($0.events, $0.dropped) }
        var encoder = MonitorEncoder(scale: clock.scale(since: origin))
        var lines = LineBuilder(capacity: events.count * 200 + 4096)
        lines.append(Self.header())
        if dropped > 0 {
            lines.append(
                EventMessage(
                    taskUUID: newTaskUUID(), taskLevel: [1], timestamp: MonitorClock.realtime(),
                    messageType: MonitorVocabulary.Message.dropped.rawValue,
                    fields: [MonitorVocabulary.Field.count: .int(dropped)]))
        }
        for event in events.inTimeOrder() { encoder.append(event, in: events, to: &lines) }
        try DumpFile.write(lines, to: path)
    }

    /// Ends idle chains and, when streaming, waits until everything is written and stops the writer thread.
    ///
    /// It waits `timeout` at most (a writer stuck on a dead disk must not hang the program's exit): the report
    /// then says the writer had not finished (``WriteReport/lastError``), and the writer goes on in the
    /// background. In the child of a `fork`, a streaming monitor has no writer (threads do not survive `fork`):
    /// `stop()` returns at once with a report saying so, and nothing the child recorded is written.
    ///
    /// - Returns: When streaming, what was written and lost (a loss is also said in the log, when it can be).
    @discardableResult
    public func stop(timeout: Duration = .seconds(30)) -> WriteReport? {
        if isForkedChild {
            state.withLockedValue { $0.stopped = true }
            chainObserver?.monitorStopped()
            return WriteReport(lastError: Self.forkedChildNote)
        }
        endIdleChains()
        state.withLockedValue { $0.stopped = true }
        chainObserver?.monitorStopped()
        // One deadline for both threads: stop() returns within `timeout`, not within twice that.
        let start = ContinuousClock.now
        let deadline = timeout.deadlineFromNow
        flight?.stop(until: deadline)
        guard let writer else { return nil }
        var report = writer.stop(until: deadline)
        if ContinuousClock.now - start >= timeout {
            report.lastError = "stop(): the writer had not finished after \(timeout); it goes on in the background"
        }
        return report
    }

    /// What `stop()` says in a forked child.
    static let forkedChildNote =
        "no writer in this process: it is the child of a fork, and the monitor's writer thread was its parent's"

    /// Whether this is a streaming monitor inherited through `fork` (its writer thread is not in this process).
    var isForkedChild: Bool { writer != nil && ForkGeneration.current != forkGeneration }

    // MARK: Recording

    func track(
        _ deferred: AnyDeferred, label: String?, trackedAt: (file: String, line: UInt)?,
        trackedBy: MonitorVocabulary.TrackedBy,
        in action: Action? = nil, from parent: AnyDeferred? = nil
    ) {
        if observes(deferred), deferred.observerSlot != 0 { return }

        // Where it was made, if the monitor was there to see; else where it was tracked, said as such.
        let created = deferred.creationSite
        let site = created ?? trackedAt
        let time = clock.now()
        let isCalled = deferred.isCalled
        let outcome = isCalled ? outcome(of: deferred) : nil
        let queued = deferred.queuedPairCount
        // Pairs added before it was tracked, while a monitor existed: recorded with their names below, those
        // that already ran (or were passed) marked as such.
        let firstQueued = deferred.firstQueuedPairIndex
        let notes = deferred.takeNotedPairs()
        let started = withRoom { state -> (Int, Bool, any DeferredObserver)? in
            guard !state.stopped else { return nil }
            // The enclosing action's task, and a child level of it reserved only now that the chain is recorded:
            // a level reserved and never written would leave the action's task incomplete.
            let context = action.map { ($0.taskUUID, $0.reserveChildLevel()) }
            let id = state.chains.nextID
            var chain = ChainRecord(id: id, time: time)
            // A deferred may be tracked after it fired or got callbacks: start from where it stands.
            chain.fired = isCalled
            // The noted pairs are counted as they are recorded below (all added, none consumed since tracking).
            chain.pairsAdded = queued - notes.count
            chain.label = label ?? "Deferred #\(id)"
            if let outcome { chain.lastOutcome = outcome }
            state.chains.append(chain)
            let wake = record(in: &state, chain: id) { _, buffer in
                .chainStarted(
                    chain: id, time: time,
                    detail: buffer.detail(
                        .started(
                            label: buffer.text(chain.label),
                            site: site.map { (buffer.text($0.file), $0.line) }, siteIsCreation: created != nil,
                            trackedBy: buffer.text(trackedBy.rawValue),
                            context: context.map { (buffer.text($0.0), $0.1) })))
            }
            return (id, wake, observer(in: &state))
        }
        guard let (id, wake, observer) = started else { return }
        if wake { writer?.wake() }
        deferred.observer = observer
        deferred.observerSlot = id
        chainObserver?.monitorTracked(deferred, label: label ?? "Deferred #\(id)", id: id, from: parent)
        for pair in notes {
            // Through the slot's observer: a companion hears of these pairs too.
            observer.deferred(
                deferred, didAddPairAt: pair.index, callback: pair.callback, errback: pair.errback, kind: pair.kind,
                file: pair.file, line: pair.line)
            guard pair.index < firstQueued else { continue }
            recordEvent(chain: id) { record, _, time in
                .beforeTracking(
                    chain: id, slot: record.takeSlot(), time: time, index: Int32(recording: pair.index))
            }
        }
        if isCalled {
            // Fired before it was tracked: say so, with the result it holds now, so that the pairs still to run
            // are read as on the path that result takes.
            recordEvent(chain: id) { record, buffer, time in
                .fired(chain: id, slot: record.takeSlot(), time: time, outcome: buffer.value(outcome ?? .success("None")))
            }
        }
        guard followChained else { return }
        if case .waiting(let inner) = deferred.state { follow(inner, from: deferred, as: .returned) }
        for (i, member) in (deferred.members ?? []).enumerated() { follow(member, from: deferred, as: .member(i)) }
    }

    func follow(_ other: AnyDeferred, from deferred: AnyDeferred, as how: FollowedAs) {
        guard followChained, other.observer == nil || observes(other) else { return }
        let label = state.withLockedValue { state -> String? in
            guard let record = state.chains[deferred.observerSlot] else { return nil }
            let parent = "\(record.label) #\(deferred.observerSlot)"
            switch how {
            case .returned: return "returned to \(parent)"
            case .chained: return "chained from \(parent)"
            case .member(let i): return "member \(i) of \(parent)"
            }
        }
        track(other, label: label, trackedAt: nil, trackedBy: .chained, from: deferred)
    }

    /// The monitor's id for a deferred it tracks.
    func id(of deferred: AnyDeferred) -> Int? {
        observes(deferred) && deferred.observerSlot != 0 ? deferred.observerSlot : nil
    }

    /// Whether this monitor is in the deferred's observer slot: itself, or first in its fan-out.
    func observes(_ deferred: AnyDeferred) -> Bool {
        guard let observer = deferred.observer else { return false }
        return observer === self || (observer as? MultiplexObserver)?.observers.first === self
    }

    /// What goes in a tracked Deferred's observer slot: the monitor, or its fan-out to the companion too.
    private func observer(in state: inout State) -> any DeferredObserver {
        guard let companion else { return self }
        if let fanOut = state.fanOut { return fanOut }
        let fanOut = MultiplexObserver([self, companion])
        state.fanOut = fanOut
        return fanOut
    }

    /// The companion, when it wants to hear of chains and stop too.
    var chainObserver: (any MonitorChainObserver)? { companion as? any MonitorChainObserver }

    /// Records the event `make` builds for live chain `id` (it updates the chain's record and stores the event's
    /// texts in the buffer it is given). Over the buffer limit the event is still built, so the chain's record
    /// stays right, but it is counted and let go.
    ///
    /// - Returns: Whether the streaming writer must be woken (its queue was empty); wake it after the lock.
    @discardableResult
    func record(
        in state: inout State, chain id: Int, _ make: (inout ChainRecord, inout EventBuffer) -> MonitorEvent?
    ) -> Bool {
        if !state.isFull(events: bufferLimit, bytes: backlogBytes) {
            guard let event = state.chains.update(id, { make(&$0, &state.events) }) ?? nil else { return false }
            state.events.append(event)
            state.noteAppended(time: event.time)
            return writer != nil && state.events.count == 1
        }
        var discarded = EventBuffer()
        if state.chains.update(id, { make(&$0, &discarded) }) ?? nil != nil { state.dropped += 1 }
        return false
    }

    /// What recording under the lock came to: nothing more to do, wake the writer, or wait for room (the backlog
    /// was full; the writer had taken it `drains` times).
    private enum Recorded: Equatable {
        case done
        case wake
        case full(drains: UInt64)
    }

    /// Records one event of a live chain (not ended, monitor not stopped), stamped now: `make` updates the chain's
    /// record and returns the event, as for ``record(in:chain:_:)``. The tracked path: everything here inlines
    /// into the hook, with one lock, one bounds check and one uniqueness check of the chain table.
    ///
    /// A run is recorded when it ends (`startingRun` is the deferred's run in progress): its start, stamped with
    /// the token `willRunPairAt` returned, goes in first unless an earlier event already put it there. So an event
    /// of the chain during its own callback (a pair added to it, a pause) still comes after the run's start.
    ///
    /// A streaming monitor whose backlog is full holds the thread up to `backlogWait` for the writer to take it,
    /// then records the event if there is room, or drops and counts it.
    ///
    /// - Returns: The time the event was stamped with, in ticks.
    @inline(__always) @discardableResult
    func recordEvent(
        chain: Int, startingRun: RunInProgress? = nil,
        _ make: (inout ChainRecord, inout EventBuffer, UInt64) -> MonitorEvent?
    ) -> UInt64 {
        let time = clock.now()
        let streaming = writer != nil
        let limit = bufferLimit
        let bytes = backlogBytes
        func locked(mayWait: Bool) -> Recorded {
            state.withLockedValue { state -> Recorded in
                guard !state.stopped else { return .done }
                // The bound is checked once, before both events (a run's start and the event) go in.
                let full = state.isFull(events: limit, bytes: bytes)
                if full, mayWait, !state.overflowing { return .full(drains: state.drains) }
                var wake = false
                if let run = startingRun, state.chains.update(chain, { $0.runningSlot == nil }) == true {
                    wake = recordRunStart(run, in: &state, chain: chain, full: full, streaming: streaming)
                }
                wake = append(to: &state, chain: chain, time: time, full: full, streaming: streaming, make) || wake
                return wake ? .wake : .done
            }
        }
        var recorded = locked(mayWait: streaming)
        if case .full = recorded {
            // Other threads may fill the backlog again before this one gets in: it waits until the deadline.
            let deadline = ContinuousClock.now + backlogWait
            while case .full(let drains) = recorded {
                recorded = locked(mayWait: waitForRoom(after: drains, until: deadline))
            }
        }
        if recorded == .wake { writer?.wake() }
        return time
    }

    /// Records the start of `run`, stamped with its token (under the lock, for `recordEvent`).
    @inline(never)
    func recordRunStart(
        _ run: RunInProgress, in state: inout State, chain: Int, full: Bool, streaming: Bool
    ) -> Bool {
        append(to: &state, chain: chain, time: run.token, full: full, streaming: streaming) { record, _, time in
            Self.runStarted(&record, chain: chain, index: run.index, onErrorPath: run.onErrorPath, time: time)
        }
    }

    /// The body of `recordEvent`, under the lock: whether the streaming writer must be woken.
    @inline(__always)
    private func append(
        to state: inout State, chain: Int, time: UInt64, full: Bool, streaming: Bool,
        _ make: (inout ChainRecord, inout EventBuffer, UInt64) -> MonitorEvent?
    ) -> Bool {
        guard !full else { return overLimit(&state, chain: chain, time: time, make) }
        let event = state.chains.update(chain) { record -> MonitorEvent? in
            guard let event = make(&record, &state.events, time) else { return nil }
            record.lastActivity = time
            return event
        }
        guard let event = event ?? nil else { return false }
        state.events.append(event)
        state.noteAppended(time: time)
        return streaming && state.events.count == 1
    }

    /// `recordEvent` with a full buffer: the event is built, so the chain's record stays right, then counted and
    /// let go.
    @inline(never)
    private func overLimit(
        _ state: inout State, chain: Int, time: UInt64,
        _ make: (inout ChainRecord, inout EventBuffer, UInt64) -> MonitorEvent?
    ) -> Bool {
        guard state.chains[chain] != nil else { return false }
        // Dropped after waiting: later events drop at once until the writer takes the backlog.
        state.overflowing = writer != nil
        record(in: &state, chain: chain) { record, buffer in
            let event = make(&record, &buffer, time)
            if event != nil { record.lastActivity = time }
            return event
        }
        return false
    }
}
