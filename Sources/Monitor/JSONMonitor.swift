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
/// into the output) until `dump(to:)`. A streaming monitor hands each message to a `ThreadedWriter` instead, so a
/// crash loses at most the last moments. The message vocabulary is in `docs/monitor-format.md`.
///
/// Tracking never changes a chain's results or ordering. The monitor is safe to use from any thread; each
/// deferred reports its events on the thread that drives it.
public final class JSONMonitor: DeferredObserver {
    /// Whether deferreds that a tracked one waits on, chains to or aggregates are tracked automatically.
    public let followChained: Bool
    /// The most messages kept in memory (buffered mode).
    public let bufferLimit: Int

    private let state: NIOLockedValueBox<State>
    private let writer: ThreadedWriter?

    struct State {
        var chains: [ObjectIdentifier: ChainRecord] = [:]
        var nextID = 1
        var buffer: [EventMessage] = []
        var dropped = 0
        var stopped = false
    }

    /// A monitor that buffers events in memory until `dump(to:)`.
    ///
    /// - Parameters:
    ///   - followChained: Also track every deferred a tracked one waits on, `chainDeferred`s to, or aggregates.
    ///   - bufferLimit: The most messages kept; beyond it new ones are dropped and counted.
    public init(followChained: Bool = false, bufferLimit: Int = 1_000_000) {
        self.followChained = followChained
        self.bufferLimit = bufferLimit
        self.writer = nil
        self.state = NIOLockedValueBox(State())
    }

    /// A monitor that streams events to `path` through a non-blocking writer thread.
    ///
    /// Call `stop()` before exiting to end idle chains and write everything out.
    ///
    /// - Throws: `ActionError` if the file cannot be opened.
    public init(streamingTo path: String, followChained: Bool = false) throws(ActionError) {
        self.followChained = followChained
        self.bufferLimit = 0
        let writer = ThreadedWriter(destination: try FileDestination(path: path, append: false))
        self.writer = writer
        self.state = NIOLockedValueBox(State())
        writer.write(EventLogFormat.header(taskUUID: Self.newUUID(), timestamp: Self.now(), fields: ["producer": "reactortrack JSONMonitor"]))
    }

    /// Starts recording `deferred`: its task begins now, and every later event is written into it.
    ///
    /// Tracking the same deferred twice does nothing. Call it on the thread that drives the deferred.
    public func track<Value>(
        _ deferred: Deferred<Value>, label: String? = nil, file: String = #fileID, line: UInt = #line
    ) {
        track(deferred.base, label: label, file: file, line: line)
    }

    /// Starts recording an untyped deferred; see `track(_:label:)`.
    public func track(_ deferred: AnyDeferred, label: String? = nil, file: String = #fileID, line: UInt = #line) {
        track(deferred, label: label, createdAt: "\(file):\(line)", trackedBy: "user")
    }

    /// The messages recorded so far (buffered mode), in the order they were logged.
    public var messages: [EventMessage] { state.withLockedValue { $0.buffer } }

    /// How many messages the bounded buffer had to drop.
    public var droppedCount: Int { state.withLockedValue { $0.dropped } }

    /// Writes the recorded log to `path` (buffered mode), ending idle chains first (see the format document).
    ///
    /// - Throws: `ActionError` if the file cannot be written.
    public func dump(to path: String) throws(ActionError) {
        let messages = endIdleChains(reason: "monitor_stopped")
        let destination = try FileDestination(path: path, append: false)
        let header = EventLogFormat.header(
            taskUUID: Self.newUUID(), timestamp: messages.first?.timestamp ?? Self.now(),
            fields: ["producer": "reactortrack JSONMonitor"])
        var all = [header]
        let dropped = droppedCount
        if dropped > 0 {
            all.append(
                EventMessage(
                    taskUUID: Self.newUUID(), taskLevel: [1], timestamp: Self.now(),
                    messageType: "reactortrack:dropped", fields: ["count": .int(dropped)]))
        }
        all.append(contentsOf: messages)
        let failures = destination.write(batch: all)
        destination.synchronize()
        if let first = failures.first {
            throw ActionError(code: .ioFailure, message: "\(path): \(first.error)")
        }
    }

    /// Ends idle chains and, when streaming, waits until everything is written and stops the writer thread.
    public func stop() {
        _ = endIdleChains(reason: "monitor_stopped")
        state.withLockedValue { $0.stopped = true }
        writer?.stop()
    }

    // MARK: Recording

    func track(_ deferred: AnyDeferred, label: String?, createdAt: String?, trackedBy: String) {
        let now = Self.now()
        let start: EventMessage? = state.withLockedValue { state in
            let key = ObjectIdentifier(deferred)
            guard state.chains[key] == nil, !state.stopped else { return nil }
            let id = state.nextID
            state.nextID += 1
            var record = ChainRecord(id: id, taskUUID: Self.newUUID(), label: label ?? "Deferred #\(id)")
            // A deferred may be tracked after it fired or got callbacks: start from where it stands.
            record.fired = deferred.isCalled
            record.pairsAdded = deferred.queuedPairCount
            switch deferred.state {
            case .success(let value): record.remember(.success(value))
            case .failure(let failure): record.remember(.failure(failure))
            case .waiting, .pending: break
            }
            state.chains[key] = record
            return EventMessage(
                taskUUID: record.taskUUID, taskLevel: [1], timestamp: now, actionType: "reactortrack:deferred",
                actionStatus: .started,
                fields: [
                    "deferred_id": .int(id), "label": .string(record.label),
                    "created_at": createdAt.map { .string($0) } ?? .null, "tracked_by": .string(trackedBy),
                ])
        }
        guard let start else { return }
        emit([start])
        deferred.observer = self
        if case .waiting(let inner) = deferred.state, followChained { follow(inner, from: deferred) }
        if followChained, let members = deferred.members {
            for member in members { follow(member, from: deferred) }
        }
    }

    private func follow(_ other: AnyDeferred, from deferred: AnyDeferred) {
        guard followChained, other.observer == nil || other.observer === self else { return }
        let label = state.withLockedValue { state -> String? in
            state.chains[ObjectIdentifier(deferred)].map { "\($0.label) → chained" }
        }
        track(other, label: label, createdAt: nil, trackedBy: "chained")
    }

    private func id(of deferred: AnyDeferred) -> Int? {
        state.withLockedValue { $0.chains[ObjectIdentifier(deferred)]?.id }
    }

    /// Records one event of a tracked deferred (the `DeferredObserver` hook).
    public func deferred(_ deferred: AnyDeferred, didRecord event: DeferredEvent) {
        // Deferreds this event links to are tracked first, so their ids exist when the link is written.
        switch event {
        case .waiting(let inner): follow(inner, from: deferred)
        case .chained(let target): follow(target, from: deferred)
        case .didRun(_, .deferred(let returned)): follow(returned, from: deferred)
        default: break
        }
        let linkedID: Int? =
            switch event {
            case .waiting(let inner): id(of: inner)
            case .resumed(let from): id(of: from)
            case .chained(let target): id(of: target)
            case .didRun(_, .deferred(let returned)): id(of: returned)
            default: nil
            }
        // On resume the waiting deferred already holds what it was handed; read it here, on its own thread.
        var resumed: Result<Any, Failure>?
        if case .resumed = event {
            switch deferred.state {
            case .success(let value): resumed = .success(value)
            case .failure(let failure): resumed = .failure(failure)
            case .pending, .waiting: resumed = nil
            }
        }
        let now = Self.now()
        let messages = state.withLockedValue { state -> [EventMessage] in
            guard !state.stopped, var record = state.chains[ObjectIdentifier(deferred)], !record.ended else {
                return []
            }
            let messages = Self.messages(
                for: event, record: &record, linkedID: linkedID, resumed: resumed, now: now)
            state.chains[ObjectIdentifier(deferred)] = record
            return messages
        }
        emit(messages)
    }

    /// Ends the chain of a released deferred, reporting an unhandled failure first.
    public func deferredWasReleased(_ id: ObjectIdentifier, unhandled: Failure?) {
        let now = Self.now()
        let messages = state.withLockedValue { state -> [EventMessage] in
            guard !state.stopped, var record = state.chains.removeValue(forKey: id), !record.ended else { return [] }
            var messages: [EventMessage] = []
            if let unhandled {
                messages.append(
                    Self.message(
                        "reactortrack:unhandled_error", record: &record, now: now,
                        fields: [
                            "exception": .string(unhandled.typeName),
                            "reason": .string(ValueDescription.bounded(unhandled.errorMessage)),
                        ]))
            }
            messages.append(Self.end(&record, now: now, endedBy: "released"))
            return messages
        }
        emit(messages)
    }

    private func endIdleChains(reason: String) -> [EventMessage] {
        let now = Self.now()
        let ended = state.withLockedValue { state -> [EventMessage] in
            var messages: [EventMessage] = []
            for (key, var record) in state.chains where record.isIdle && !record.ended {
                messages.append(Self.end(&record, now: now, endedBy: reason))
                state.chains[key] = record
            }
            return messages
        }
        emit(ended)
        return state.withLockedValue { $0.buffer }
    }

    private func emit(_ messages: [EventMessage]) {
        guard !messages.isEmpty else { return }
        if let writer {
            for message in messages { writer.write(message) }
            return
        }
        state.withLockedValue { state in
            let room = max(0, bufferLimit - state.buffer.count)
            state.buffer.append(contentsOf: messages.prefix(room))
            state.dropped += max(0, messages.count - room)
        }
    }

    static func now() -> Double { Date().timeIntervalSince1970 }

    static func newUUID() -> String { UUID().uuidString.lowercased() }
}
