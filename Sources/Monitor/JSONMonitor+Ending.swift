import Actions
public import Defer
import EventLog
import NIOConcurrencyHelpers

/// How chains end: released, idle when the monitor stops, or stuck in a wait cycle.
extension JSONMonitor {
    /// Ends the chain of a released deferred, reporting an unhandled failure first.
    public func deferredWasReleased(_ id: ObjectIdentifier, observerSlot chain: Int, unhandled: Failure?) {
        guard chain != 0 else { return }
        let time = clock.now()
        let failure = unhandled.map(MonitorEvent.Outcome.init)
        let wake = withRoom { state -> Bool in
            guard !state.stopped, state.chains[chain] != nil else { return false }
            var wake = false
            if let failure {
                _ = state.chains.update(chain) { $0.lastActivity = time }
                wake = record(in: &state, chain: chain) { record, buffer in
                    .unhandled(
                        chain: chain, slot: record.takeSlot(), time: time,
                        failure: buffer.value(failure))
                }
            }
            let ended = record(in: &state, chain: chain) { record, buffer in
                Self.end(&record, buffer: &buffer, time: time, endedBy: MonitorVocabulary.EndedBy.released.rawValue)
            }
            return ended || wake
        }
        if wake { writer?.wake() }
        if failure != nil, flight?.triggers.contains(.unhandledError) == true { flightTriggered(.unhandledError) }
    }

    func endIdleChains() {
        let time = clock.now()
        state.withLockedValue { state in
            guard !state.stopped else { return }
            // Chains that wait, through others, on themselves can never fire: each says so in its task.
            for (id, cycle) in Self.waitCycles(in: state.chains) where state.chains[id]?.cycleReported != true {
                record(in: &state, chain: id) { record, buffer in
                    .waitCycle(
                        chain: record.id, slot: record.takeSlot(), time: time,
                        cycle: buffer.detail(.cycle(cycle)))
                }
            }
            for id in state.chains.liveIDs where state.chains[id]?.isIdle == true {
                record(in: &state, chain: id) { record, buffer in
                    Self.end(&record, buffer: &buffer, time: time, endedBy: MonitorVocabulary.EndedBy.monitorStopped.rawValue)
                }
            }
        }
    }

    /// Ends a chain's record: the event that closes its task.
    static func end(
        _ record: inout ChainRecord, buffer: inout EventBuffer, time: UInt64, endedBy: String
    ) -> MonitorEvent {
        record.ended = true
        let detail = MonitorEvent.Detail.ended(
            closedAt: time, endedBy: buffer.text(endedBy), runs: record.runs, outcome: buffer.value(record.lastOutcome))
        return .chainEnded(
            chain: record.id, slot: record.takeSlot(), time: record.lastActivity,
            detail: buffer.detail(detail))
    }

    /// The chains (by id) that wait, through other tracked chains, on themselves, each with its cycle of Deferred
    /// ids from it round to it again (`[1, 2, 1]`). Chains waiting on one outside a cycle are not in it.
    ///
    /// Only the waiting chains are walked (the table keeps their ids): every chain of a cycle waits.
    static func waitCycles(in chains: ChainTable) -> [(id: Int, cycle: [Int])] {
        var found: [(id: Int, cycle: [Int])] = []
        let waiting = chains.waiting.sorted()
        for start in waiting {
            var path = [start]
            var current = start
            // At most as many steps as there are waiting chains: a longer walk has gone round a cycle not through
            // `start`.
            for _ in 0..<waiting.count {
                guard let next = chains[current]?.waitingOn, chains[next] != nil else { break }
                path.append(next)
                if next == start {
                    found.append((start, path))
                    break
                }
                current = next
            }
        }
        return found
    }
}
