import EventLog

/// What the monitor knows about one tracked deferred: its task, where its numbering is, and whether it is idle.
struct ChainRecord {
    /// The monitor's id for this deferred (1, 2, 3… within a log).
    let id: Int
    let taskUUID: String
    let label: String
    /// The next free slot at the root of the task (the root action's start took `[1]`).
    var nextSlot = 2
    /// The slot of the run in progress, its start time and whether it began on the error path.
    var runningSlot: Int?
    var runStartedAt: Double?
    var fired = false
    var waitingSince: Double?
    var waitingOn: Int?
    var pairsAdded = 0
    var pairsConsumed = 0
    var runs = 0
    /// The callback and errback names of each pair, by index (`nil` half = pass-through).
    var names: [Int: (callback: String?, errback: String?)] = [:]
    /// The chain's current outcome, as written at its end: a description, or the failure's type and reason.
    var lastValue: String = "None"
    var lastFailure: (exception: String, reason: String)?
    var ended = false

    init(id: Int, taskUUID: String, label: String) {
        self.id = id
        self.taskUUID = taskUUID
        self.label = label
    }

    /// Fired, not waiting on another deferred, and nothing queued: the chain has done all it can.
    var isIdle: Bool { fired && waitingOn == nil && pairsConsumed >= pairsAdded && runningSlot == nil }

    mutating func takeSlot() -> Int {
        defer { nextSlot += 1 }
        return nextSlot
    }
}
