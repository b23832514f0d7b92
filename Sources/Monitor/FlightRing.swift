/// The flight recorder's memory: the recent events in a few segments, each an `EventBuffer` with its own texts.
///
/// The monitor records into its buffer as always; when the buffer holds a segment's worth of events (an eighth of
/// the record), or its first event is an eighth of the window old, it is closed and kept here, and the oldest
/// segments go while the record would hold more than its bound. Letting a segment go is one scan of it: the starts
/// of the chains it holds are kept aside (`carried`) unless their end is in it too, so a chain whose start was
/// let go can still be written, marked as cut. The tracked path pays two compares per event for all this.
struct FlightRing: Sendable {
    /// What is kept of a chain whose start was let go: its start event's fields, and what the events let go
    /// since told: the names of its pairs and its current value, so that its runs in the record read as before.
    struct CutStart: Sendable {
        let chain: Int
        let time: UInt64
        let label: String
        let site: (file: String, line: UInt)?
        let siteIsCreation: Bool
        let trackedBy: String
        let context: (taskUUID: String, level: [Int])?
        var names: [Int32: (callback: String?, errback: String?)] = [:]
        var current: MonitorEvent.Outcome = .success("None")
        /// Whether an event of the chain besides its start was let go: only then is it written as cut (a chain
        /// whose start alone went is written whole).
        var lost = false
    }

    /// The segments closed and kept, oldest first.
    private(set) var segments: [EventBuffer] = []
    /// When each segment was closed, in ticks (every event in it was stamped no later).
    private var closedAt: [UInt64] = []
    /// The events in `segments`.
    private(set) var held = 0
    /// The chains started in segments let go and not ended in them, by id.
    private(set) var carried: [Int: CutStart] = [:]
    /// When the last segment let go was closed: events up to about then may be missing.
    private(set) var cutAt: UInt64?

    /// The most events kept, in all.
    let capacity: Int
    /// How many events a segment holds.
    let segmentEvents: Int
    /// How long, in ticks, the record keeps events (`UInt64.max`: no window).
    let windowTicks: UInt64

    init(capacity: Int, windowTicks: UInt64?) {
        self.capacity = capacity
        segmentEvents = max(128, capacity / 8)
        self.windowTicks = windowTicks ?? .max
    }

    /// How long, in ticks, a segment may stay open (`UInt64.max`: no window).
    var segmentTicks: UInt64 { windowTicks == .max ? .max : max(1, windowTicks / 8) }

    /// Closes `current` (at tick `now`) and keeps it, letting the oldest segments go.
    mutating func close(_ current: inout EventBuffer, at now: UInt64) {
        if !current.isEmpty {
            held += current.count
            segments.append(current)
            closedAt.append(now)
        }
        current = EventBuffer()
        trim(at: now)
    }

    /// Lets go the oldest segments while the record, with a segment being filled, could hold more than its
    /// capacity, and those closed before the window.
    mutating func trim(at now: UInt64) {
        let oldest = now > windowTicks ? now - windowTicks : 0
        var cut = 0
        while cut < segments.count, held > capacity - segmentEvents || closedAt[cut] < oldest {
            let segment = segments[cut]
            letGo(segment)
            held -= segment.count
            cutAt = closedAt[cut]
            cut += 1
        }
        if cut > 0 {
            segments.removeFirst(cut)
            closedAt.removeFirst(cut)
        }
    }

    /// Keeps the starts of the chains in `segment` that do not end in it, and forgets those it ends; notes what
    /// the other events tell of the chains kept.
    ///
    /// Most chains start and end within one segment: those are recognised by a look-up in an array (ids are
    /// handed out in order, so a segment's ended chains lie in a narrow range), and cost no hashing. Only the
    /// events of chains that outlive the segment are noted, in place.
    private mutating func letGo(_ segment: EventBuffer) {
        let ended = EndedChains(segment)
        for event in segment.all {
            switch event {
            case .chainStarted(let chain, let time, let ref):
                guard !ended.contains(chain),
                    case .started(let label, let site, let siteIsCreation, let trackedBy, let context) = segment[detail: ref]
                else { continue }
                carried[chain] = CutStart(
                    chain: chain, time: time, label: segment[text: label],
                    site: site.map { (segment[text: $0.file], $0.line) }, siteIsCreation: siteIsCreation,
                    trackedBy: segment[text: trackedBy], context: context.map { (segment[text: $0.taskUUID], $0.level) })
            case .chainEnded(let chain, _, _, _):
                carried.removeValue(forKey: chain)
            default:
                let chain = event.chain
                guard !ended.contains(chain), let i = carried.index(forKey: chain) else { continue }
                carried.values[i].lost = true
                note(event, at: i, in: segment)
            }
        }
    }

    /// Notes the names and values an event let go tells of its chain (kept at `i`), in place.
    private mutating func note(_ event: MonitorEvent, at i: Dictionary<Int, CutStart>.Index, in segment: EventBuffer) {
        switch event {
        case .added(_, _, _, let index, let site):
            carried.values[i].names[index] = MonitorEncoder.names(of: segment[site: site], in: segment)
        case .fired(_, _, _, let value), .runEnded(_, _, _, .value(let value)):
            carried.values[i].current = segment.outcome(value)
        case .resumed(_, _, _, let ref):
            if case .resumed(_, _, let value?) = segment[detail: ref] { carried.values[i].current = segment.outcome(value) }
        default:
            break
        }
    }
}

/// The chains whose end is in a segment: flags over the range of their ids when it is narrow (the usual case),
/// else a set.
private struct EndedChains {
    private var low = Int.max
    private var high = Int.min
    private var flags: [Bool] = []
    private var set: Set<Int> = []

    init(_ segment: EventBuffer) {
        var ids: [Int] = []
        for case .chainEnded(let chain, _, _, _) in segment.all {
            ids.append(chain)
            low = min(low, chain)
            high = max(high, chain)
        }
        guard low <= high else { return }
        if high - low < 4 * max(ids.count, 64) {
            flags = Array(repeating: false, count: high - low + 1)
            for chain in ids { flags[chain - low] = true }
        } else {
            set = Set(ids)
        }
    }

    func contains(_ chain: Int) -> Bool {
        guard chain >= low, chain <= high else { return false }
        return flags.isEmpty ? set.contains(chain) : flags[chain - low]
    }
}
