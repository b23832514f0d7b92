/// What the monitor knows, while recording, about one tracked deferred: where its numbering is and whether it is
/// idle. Everything else is in the recorded events.
struct ChainRecord: Sendable {
    /// The monitor's id for this deferred (1, 2, 3… within a log).
    let id: Int
    /// Its label, for the titles of the chains followed from it.
    var label = ""
    /// The next free slot at the root of the task (the root action's start took `[1]`).
    var nextSlot: Int32 = 2
    /// The slot of the run in progress.
    var runningSlot: Int32?
    var fired = false
    var waitingOn: Int?
    var waitingSince: UInt64?
    var pairsAdded = 0
    var pairsConsumed = 0
    var runs = 0
    /// The chain's current result, as written at its end.
    var lastOutcome: MonitorEvent.Outcome = .success("None")
    var ended = false
    /// Whether the wait cycle it is in was written already (a flight recorder writes it as the cycle closes).
    var cycleReported = false
    /// When the chain last did anything (an event was recorded for it): its end time in the log, in ticks.
    var lastActivity: UInt64

    init(id: Int, time: UInt64) {
        self.id = id
        self.lastActivity = time
    }

    /// Fired, not waiting on another deferred, and nothing queued: the chain has done all it can.
    var isIdle: Bool { fired && waitingOn == nil && pairsConsumed >= pairsAdded && runningSlot == nil }

    /// Ends the run in progress and returns its slot (`nil` if none was running).
    mutating func endRun() -> Int32? {
        defer { runningSlot = nil }
        return runningSlot
    }

    /// The next slot at the task's root (clamped at 2^31 - 1: a chain with more events than that in one log
    /// would repeat its last level).
    mutating func takeSlot() -> Int32 {
        defer { if nextSlot < .max { nextSlot += 1 } }
        return nextSlot
    }
}
