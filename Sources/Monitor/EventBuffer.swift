import Defer
import Synchronization

/// Recorded events (`EventTable`) and the texts, call sites and details they point at, in fixed-size chunks:
/// appending never moves what is already recorded (one growing array was copied on every doubling, and that copy
/// showed in the tracked path's profile).
struct EventBuffer: Sendable {
    private var events = EventTable()
    private var texts = ChunkedTable<String>()
    private var sites = ChunkedTable<MonitorEvent.Site>()
    private var details = ChunkedTable<MonitorEvent.Detail>()
    /// Recently stored call sites, by line: a pair added where an earlier one was reuses its site.
    private var siteCache: [SiteKey] = []
    /// Which buffer this is, among every buffer made in the process: an encoder keeps what it made of this
    /// buffer's call sites while it reads it (`MonitorEncoder`). A copy keeps it: its sites are the same, at the
    /// same places, as far as it goes (a copy read as a snapshot is never appended to).
    let generation = EventBuffer.generations.wrappingAdd(1, ordering: .relaxed).oldValue

    private static let generations = Atomic<UInt64>(1)

    /// A call site as the deferred reported it, and where it is stored (`line == 0`: an empty cache slot).
    private struct SiteKey: Sendable {
        var callback: CallbackName = .passThrough
        var errback: CallbackName = .passThrough
        var kind: StaticString = ""
        var file = ""
        var line: UInt = 0
        var ref = MonitorEvent.Ref(chunk: 0, offset: 0)
    }

    private static let siteCacheSize = 64

    /// About how much memory it holds, in bytes: its events, texts, call sites and details (what the streaming
    /// monitor's backlog bound counts).
    private(set) var bytes = 0

    /// How many events it holds.
    var count: Int { events.count }
    var isEmpty: Bool { events.count == 0 }

    @inline(__always)
    mutating func append(_ event: MonitorEvent) {
        events.append(event)
        bytes &+= MemoryLayout<MonitorEvent>.stride
    }

    /// Stores a text for an event to point at.
    mutating func text(_ text: String) -> MonitorEvent.Ref {
        // A string of up to 15 bytes is held inline; a longer one in a heap block with a 32-byte header.
        let count = text.utf8.count
        bytes &+= MemoryLayout<String>.stride + (count > 15 ? count + 32 : 0)
        return texts.append(text)
    }

    /// Stores a large event's fields.
    mutating func detail(_ detail: MonitorEvent.Detail) -> MonitorEvent.Ref {
        bytes &+= MemoryLayout<MonitorEvent.Detail>.stride
        return details.append(detail)
    }

    /// The stored call site for a pair added at `file`:`line` with these names and kind, storing it if new.
    mutating func site(
        callback: CallbackName, errback: CallbackName, kind: StaticString, file: String, line: UInt
    ) -> MonitorEvent.Ref {
        if siteCache.isEmpty { siteCache = Array(repeating: SiteKey(), count: Self.siteCacheSize) }
        let slot = Int(line % UInt(Self.siteCacheSize))
        // Compared where the key lies: reading the slot out would copy (retain and release) its three strings.
        let cached = siteCache.withUnsafeBufferPointer { cache -> MonitorEvent.Ref? in
            let key = cache.baseAddress! + slot
            // Cheapest first; literal strings compare by identity before their contents.
            guard key.pointee.line == line, key.pointee.kind.utf8Start == kind.utf8Start, key.pointee.file == file,
                key.pointee.callback == callback, key.pointee.errback == errback
            else { return nil }
            return key.pointee.ref
        }
        if let cached { return cached }
        func name(_ half: CallbackName) -> MonitorEvent.Name {
            switch half {
            case .passThrough: .passThrough
            case .unnamed: .unnamed
            case .named(let label): .named(text(label))
            }
        }
        bytes &+= MemoryLayout<MonitorEvent.Site>.stride
        let ref = sites.append(
            MonitorEvent.Site(
                callback: name(callback), errback: name(errback), kind: kind, file: text(file), line: line,
                text: text("\(file):\(line)")))
        siteCache[slot] = SiteKey(callback: callback, errback: errback, kind: kind, file: file, line: line, ref: ref)
        return ref
    }

    /// Stores an outcome's texts.
    mutating func value(_ outcome: MonitorEvent.Outcome) -> MonitorEvent.Value {
        switch outcome {
        case .success(let text): .success(self.text(text))
        case .integer(let int): .integer(int)
        case .hidden: .hidden
        case .failure(let type, let reason): .failure(detail(.failure(type: text(type), reason: text(reason))))
        }
    }

    /// The text `ref` points at.
    subscript(text ref: MonitorEvent.Ref) -> String { texts[ref] }

    /// The call site `ref` points at.
    subscript(site ref: MonitorEvent.Ref) -> MonitorEvent.Site { sites[ref] }

    /// The details `ref` points at.
    subscript(detail ref: MonitorEvent.Ref) -> MonitorEvent.Detail { details[ref] }

    /// The outcome a recorded value stands for.
    func outcome(_ value: MonitorEvent.Value) -> MonitorEvent.Outcome {
        switch value {
        case .success(let ref): .success(self[text: ref])
        case .integer(let int): .integer(int)
        case .hidden: .hidden
        case .failure(let ref):
            if case .failure(let type, let reason) = self[detail: ref] {
                .failure(type: self[text: type], reason: self[text: reason])
            } else {
                preconditionFailure("a failure value points at another kind of detail")
            }
        }
    }

    /// Every event, in the order recorded.
    var all: EventTable.Events { events.all }

    /// Every event in the order it happened: by time, then in the order recorded.
    ///
    /// The recorded order is nearly that already. A run is recorded when it ends, with its start stamped from
    /// when it began, so the events of other chains that happened during the callback (a deferred it fired, say)
    /// were recorded before that start. Each chain's own events are always in order.
    ///
    /// The events are read where they were recorded, never copied: out of order, an array of their positions
    /// (8 bytes an event, a sixth of the event) says the order. A streaming writer's batch is then held once,
    /// beside the backlog filling behind it (a copy of the batch was the largest part of the 8-thread bench's
    /// peak memory after the two of them).
    func inTimeOrder() -> TimeOrdered {
        let all = events.all
        var previous: UInt64 = 0
        var inOrder = true
        for event in all {
            let time = event.time
            if time < previous {
                inOrder = false
                break
            }
            previous = time
        }
        if inOrder { return TimeOrdered(events: all, order: nil, count: events.count) }
        // Sorted by (time, position): stable by construction, whatever the sort.
        var order = all.positions(count: events.count)
        order.sort { (all[$0].time, $0) < (all[$1].time, $1) }
        return TimeOrdered(events: all, order: order, count: events.count)
    }
}

/// A buffer's events in the order they happened (``EventBuffer/inTimeOrder()``), read where they lie.
struct TimeOrdered: Sequence {
    let events: EventTable.Events
    /// The events' positions in time order; `nil` when that is the recorded order.
    let order: [EventTable.Position]?
    /// How many events there are.
    let count: Int

    func makeIterator() -> Iterator { Iterator(ordered: self) }

    struct Iterator: IteratorProtocol {
        private let ordered: TimeOrdered
        private var recorded: EventTable.Events.Iterator
        private var taken = 0

        fileprivate init(ordered: TimeOrdered) {
            self.ordered = ordered
            recorded = ordered.events.makeIterator()
        }

        mutating func next() -> MonitorEvent? {
            guard let order = ordered.order else { return recorded.next() }
            guard taken < order.count else { return nil }
            defer { taken += 1 }
            return ordered.events[order[taken]]
        }
    }
}

/// An append-only table in chunks that never move: the first chunks are small (64, 128, …) so a streaming batch
/// or a short log does not reserve a large block it never fills; the rest hold `chunkSize` elements.
struct ChunkedTable<Element: Sendable>: Sendable {
    static var chunkSize: Int { 8_192 }
    static var firstChunkSize: Int { 64 }

    /// The full chunks, then the one being filled (kept apart so an append touches one array).
    private var full: [[Element]] = []
    private var current: [Element] = []

    /// Appends `element` and returns where it is.
    mutating func append(_ element: Element) -> MonitorEvent.Ref {
        if current.count == current.capacity {
            let size = current.capacity == 0 ? Self.firstChunkSize : min(Self.chunkSize, current.capacity * 2)
            if !current.isEmpty { full.append(current) }
            current = []
            current.reserveCapacity(size)
        }
        current.append(element)
        return MonitorEvent.Ref(chunk: full.count, offset: current.count - 1)
    }

    subscript(ref: MonitorEvent.Ref) -> Element {
        Int(ref.chunk) == full.count ? current[Int(ref.offset)] : full[Int(ref.chunk)][Int(ref.offset)]
    }
}
