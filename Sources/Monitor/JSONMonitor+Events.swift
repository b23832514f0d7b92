import Actions
import Defer
import EventLog

/// How each deferred event changes a chain's record, and the event recorded for it (called under the monitor's
/// lock).
extension JSONMonitor {
    /// The format header a monitor's log starts with.
    static func header() -> EventMessage {
        EventLogFormat.header(
            taskUUID: newTaskUUID(), timestamp: MonitorClock.realtime(),
            fields: [MonitorVocabulary.Field.producer: "reactortrack JSONMonitor"])
    }

    /// The monitor's clock: the system's, or a reactor's.
    static func clock(_ reactor: (any ReactorTime)?) -> MonitorClock {
        guard let given = reactor else { return MonitorClock() }
        // A reactor's clock is read on its own thread only; the monitor reads it when a tracked deferred reports,
        // on the thread that drives the deferred: the reactor's (a test's, for a ManualReactor).
        nonisolated(unsafe) let reactor = given
        return MonitorClock(external: { reactor.seconds })
    }

    /// How a followed deferred came to be linked to a tracked one: what its chain is titled by.
    enum FollowedAs {
        case returned
        case chained
        case member(Int)
    }

    /// Updates a chain's record for one deferred event and returns what to record.
    static func event(
        for event: DeferredEvent, chain chainID: Int, record: inout ChainRecord, buffer: inout EventBuffer,
        linked: Int?, pairIndex: Int, outcome: MonitorEvent.Outcome?, time: UInt64
    ) -> MonitorEvent? {
        let chain = chainID
        switch event {
        case .added(let index, let callback, let errback, let kind, let file, let line):
            // Only observers that forward `didAddPairAt` here; the monitor records pairs in its own hook.
            record.pairsAdded += 1
            return .added(
                chain: chain, slot: record.takeSlot(), time: time, index: Int32(recording: index),
                site: buffer.site(callback: callback, errback: errback, kind: kind, file: file, line: line))
        case .fired:
            record.fired = true
            if let outcome { record.lastOutcome = outcome }
            return .fired(
                chain: chain, slot: record.takeSlot(), time: time, outcome: buffer.value(outcome ?? .success("None")))
        case .willRun(let index, let onErrorPath):
            return runStarted(&record, chain: chainID, index: index, onErrorPath: onErrorPath, time: time)
        case .didRun(_, let returned):
            guard let slot = record.endRun() else { return nil }
            if returned != nil { return .runEnded(chain: chain, slot: slot, time: time, output: .deferred(linked)) }
            guard let outcome else { return nil }
            record.lastOutcome = outcome
            return .runEnded(chain: chain, slot: slot, time: time, output: .value(buffer.value(outcome)))
        case .skipped:
            record.pairsConsumed += 1
            return nil
        case .waiting:
            record.waitingOn = linked ?? 0
            record.waitingSince = time
            return .waiting(chain: chain, slot: record.takeSlot(), time: time, on: linked)
        case .resumed:
            let waited = record.waitingSince.map { time > $0 ? time - $0 : 0 } ?? 0
            record.waitingOn = nil
            record.waitingSince = nil
            if let outcome { record.lastOutcome = outcome }
            return .resumed(
                chain: chain, slot: record.takeSlot(), time: time,
                detail: buffer.detail(.resumed(from: linked, waited: waited, outcome: outcome.map { buffer.value($0) })))
        case .chained:
            return .chained(
                chain: chain, slot: record.takeSlot(), time: time, to: linked, index: Int32(recording: pairIndex))
        case .pauseChanged(let count):
            return .pause(chain: chain, slot: record.takeSlot(), time: time, count: Int32(recording: count))
        case .cancelled:
            return .cancelled(chain: chain, slot: record.takeSlot(), time: time)
        }
    }

    /// Starts a run in a chain's record.
    @inline(__always)
    static func runStarted(
        _ record: inout ChainRecord, chain: Int, index: Int, onErrorPath: Bool, time: UInt64
    ) -> MonitorEvent {
        record.pairsConsumed += 1
        record.runs += 1
        let slot = record.takeSlot()
        record.runningSlot = slot
        return .runStarted(
            chain: chain, slot: slot, time: time, index: Int32(recording: index),
            onErrorPath: onErrorPath)
    }

    /// A deferred's current result, described as the monitor's value policy asks (nil while it has none).
    func outcome(of deferred: AnyDeferred) -> MonitorEvent.Outcome? {
        switch deferred.state {
        case .success(let value): MonitorEvent.Outcome(value: value, policy: values)
        case .failure(let failure): MonitorEvent.Outcome(failure)
        case .pending, .waiting: nil
        }
    }
}
