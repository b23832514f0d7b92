public import Defer

/// The `DeferredObserver` hooks: what a tracked deferred reports, recorded.
extension JSONMonitor {
    /// Records one event of a tracked deferred (the `DeferredObserver` hook). Runs arrive through
    /// `willRunPairAt`/`didRunPairAt` instead; `.willRun` and `.didRun` sent here are recorded as they come.
    public func deferred(_ deferred: AnyDeferred, didRecord event: DeferredEvent) {
        let chain = deferred.observerSlot
        guard chain != 0 else { return }
        switch event {
        case .willRun(let index, let onErrorPath):
            recordEvent(chain: chain) { record, _, time in
                Self.runStarted(&record, chain: chain, index: index, onErrorPath: onErrorPath, time: time)
            }
        case .fired:
            // The short path for an Int or an unwritten value, as for a run's end.
            guard let value = shortValue(of: deferred) else { fallthrough }
            recordEvent(chain: chain) { record, _, time in
                record.fired = true
                record.lastOutcome = value.outcome
                return .fired(chain: chain, slot: record.takeSlot(), time: time, outcome: value.value)
            }
        default:
            recordGeneral(event, of: deferred, chain: chain, startingRun: deferred.runInProgress)
        }
    }

    /// A pair is about to run: only its start time is taken here, as the run's token. The run is recorded when it
    /// ends (`didRunPairAt`), under one lock for both its events.
    ///
    /// When the pair runs straight after another one (`previous`, that run's end), that end is its start: all
    /// that happened in between is the chain stepping to the next pair, tens of nanoseconds, below what a log
    /// timestamp (a double of Unix seconds, about 0.2 µs apart) can show. One clock read fewer per callback.
    public func deferred(
        _ deferred: AnyDeferred, willRunPairAt index: Int, onErrorPath: Bool, after previous: UInt64?
    ) -> UInt64 {
        previous ?? clock.now()
    }

    /// A pair has run: records its start (stamped with `token`) and its end. The end takes a short path when the
    /// result is an Int (the common counter or id), or a success the policy does not write (`values: .none`):
    /// nothing linked, no outcome to describe or store in the text table. Everything else goes through
    /// `recordGeneral`, kept out of line so this hot function stays small.
    public func deferred(
        _ deferred: AnyDeferred, didRunPairAt index: Int, onErrorPath: Bool, returned: AnyDeferred?, token: UInt64
    ) -> UInt64 {
        let chain = deferred.observerSlot
        guard chain != 0 else { return 0 }
        let run = RunInProgress(index: index, onErrorPath: onErrorPath, token: token)
        let time: UInt64
        if returned == nil, let value = shortValue(of: deferred) {
            time = recordEvent(chain: chain, startingRun: run) { record, _, time in
                guard let slot = record.endRun() else { return nil }
                record.lastOutcome = value.outcome
                return .runEnded(chain: chain, slot: slot, time: time, output: .value(value.value))
            }
        } else {
            time = recordGeneral(.didRun(index: index, returned: returned), of: deferred, chain: chain, startingRun: run)
        }
        // A flight recorder's blocking trigger (`blockingTicks` is the most a run may take; never, without one).
        if time > token, time - token > blockingTicks { flightTriggered(.blockingCallback) }
        return time
    }

    /// The deferred's current result when it needs no text: an `Int`, kept as a number, or any success under
    /// `values: .none`, not looked at. `nil` for a failure (always written in full) or a value to describe.
    @inline(__always)
    private func shortValue(of deferred: AnyDeferred) -> (outcome: MonitorEvent.Outcome, value: MonitorEvent.Value)? {
        // The Int check first, in place: the common case, and cheaper than reading the state (which copies it).
        if let int = deferred.currentValue(as: Int.self) {
            return values == .none ? (.hidden, .hidden) : (.integer(int), .integer(int))
        }
        guard values == .none, case .success = deferred.state else { return nil }
        return (.hidden, .hidden)
    }

    /// Records an added pair (the `DeferredObserver` hook for `.added`): its names and call site are stored once
    /// per distinct site.
    public func deferred(
        _ deferred: AnyDeferred, didAddPairAt index: Int, callback: CallbackName, errback: CallbackName,
        kind: StaticString, file: String, line: UInt
    ) {
        let chain = deferred.observerSlot
        guard chain != 0 else { return }
        recordEvent(chain: chain, startingRun: deferred.runInProgress) { record, buffer, time in
            record.pairsAdded += 1
            return .added(
                chain: chain, slot: record.takeSlot(), time: time, index: Int32(recording: index),
                site: buffer.site(callback: callback, errback: errback, kind: kind, file: file, line: line))
        }
    }

    /// Records any other event.
    ///
    /// - Returns: The time the event was stamped with, in ticks.
    @inline(never) @discardableResult
    func recordGeneral(
        _ event: DeferredEvent, of deferred: AnyDeferred, chain: Int, startingRun: RunInProgress?
    ) -> UInt64 {
        // One pass over the event before the lock: deferreds it links to are tracked first (so their ids exist
        // when the link is written), and values are described here, on the deferred's own thread.
        var linked: Int?
        var outcome: MonitorEvent.Outcome?
        var pairIndex = 0
        switch event {
        case .added, .willRun, .skipped, .pauseChanged, .cancelled: break
        case .didRun(_, nil), .fired: outcome = self.outcome(of: deferred)
        case .didRun(_, let returned?):
            follow(returned, from: deferred, as: .returned)
            linked = id(of: returned)
        case .waiting(let inner):
            follow(inner, from: deferred, as: .returned)
            linked = id(of: inner)
        case .chained(let target):
            follow(target, from: deferred, as: .chained)
            linked = id(of: target)
            // The pair that passes the result on is added right after this event: it gets the next index.
            pairIndex = deferred.nextPairIndex
        case .resumed(let from):
            linked = id(of: from)
            outcome = self.outcome(of: deferred)
        }
        let time = recordEvent(chain: chain, startingRun: startingRun) { record, buffer, time in
            Self.event(
                for: event, chain: chain, record: &record, buffer: &buffer, linked: linked, pairIndex: pairIndex,
                outcome: outcome, time: time)
        }
        if case .waiting = event, flight?.triggers.contains(.waitCycle) == true { checkWaitCycle(from: chain) }
        return time
    }
}
