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
            let index = chain - 1
            guard !state.stopped, state.chains.indices.contains(index), !state.chains[index].ended else { return false }
            var wake = false
            if let failure {
                state.chains[index].lastActivity = time
                wake = record(in: &state, chain: index) { record, buffer in
                    .unhandled(
                        chain: Int32(recording: chain), slot: record.takeSlot(), time: time,
                        failure: buffer.value(failure))
                }
            }
            let ended = record(in: &state, chain: index) { record, buffer in
                Self.end(&record, buffer: &buffer, time: time, endedBy: MonitorVocabulary.EndedBy.released.rawValue)
            }
            return ended || wake
        }
        if wake { writer?.wake() }
    }

    func endIdleChains() {
        let time = clock.now()
        state.withLockedValue { state in
            guard !state.stopped else { return }
            // Chains that wait, through others, on themselves can never fire: each says so in its task.
            for (index, cycle) in Self.waitCycles(in: state.chains) {
                record(in: &state, chain: index) { record, buffer in
                    .waitCycle(
                        chain: Int32(recording: record.id), slot: record.takeSlot(), time: time,
                        cycle: buffer.detail(.cycle(cycle.map { Int32(recording: $0) })))
                }
            }
            for index in state.chains.indices where state.chains[index].isIdle && !state.chains[index].ended {
                record(in: &state, chain: index) { record, buffer in
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
            chain: Int32(recording: record.id), slot: record.takeSlot(), time: record.lastActivity,
            detail: buffer.detail(detail))
    }

    /// The chains (by index) that wait, through other tracked chains, on themselves, each with its cycle of
    /// Deferred ids from it round to it again (`[1, 2, 1]`). Chains waiting on one outside a cycle are not in it.
    static func waitCycles(in chains: [ChainRecord]) -> [(index: Int, cycle: [Int])] {
        var found: [(index: Int, cycle: [Int])] = []
        for start in chains.indices where !chains[start].ended && chains[start].waitingOn != nil {
            var path = [chains[start].id]
            var current = start
            // At most as many steps as there are chains: a longer walk has gone round a cycle not through `start`.
            for _ in 0..<chains.count {
                guard let next = chains[current].waitingOn, chains.indices.contains(next - 1),
                    !chains[next - 1].ended
                else { break }
                path.append(next)
                if next == chains[start].id {
                    found.append((start, path))
                    break
                }
                current = next - 1
            }
        }
        return found
    }
}
