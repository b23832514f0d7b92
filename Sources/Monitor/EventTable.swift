/// The recorded events themselves: append-only, in chunks of raw memory that never move.
///
/// This is the tracked path's store, written once per event, so an append is a bounds check and a 32-byte store:
/// no uniqueness check and no reallocation, as an array of chunks had. Chunks double from 64 events to 8,192
/// (256 KiB). Larger chunks, 2 MiB ones on transparent huge pages, were tried: they come straight from `mmap`, so
/// every new monitor had to fault in and clear fresh memory, and the tracked bench spent more time, not less.
///
/// A copy of the table is a snapshot: it shares the chunks and sees the events that were there when it was
/// taken. Appends go past a snapshot's end, never over what it reads; a copy that appends itself starts a new
/// chunk rather than write where another copy already did.
struct EventTable: Sendable {
    private var chunks: [EventChunk] = []
    /// How many events of the last chunk belong to this copy.
    private var lastCount = 0
    private(set) var count = 0

    /// Appends `event`.
    @inline(__always)
    mutating func append(_ event: MonitorEvent) {
        if let last = chunks.last, lastCount < last.capacity, last.filled == lastCount {
            last.base[lastCount] = event
            last.filled += 1
            lastCount += 1
            count += 1
            return
        }
        appendToNewChunk(event)
    }

    @inline(never)
    private mutating func appendToNewChunk(_ event: MonitorEvent) {
        let previous = chunks.last.map { lastCount < $0.capacity ? $0.capacity : $0.capacity * 2 } ?? 0
        let chunk = EventChunk(capacity: EventChunk.capacity(after: previous))
        // A shorter last chunk (one another copy went on filling) keeps only this copy's events.
        if let last = chunks.last, lastCount < last.capacity { chunks[chunks.count - 1] = last.prefix(lastCount) }
        chunks.append(chunk)
        chunk.base[0] = event
        chunk.filled = 1
        lastCount = 1
        count += 1
    }

    /// Every event, in the order appended.
    var all: Events { Events(chunks: chunks, lastCount: lastCount) }

    /// Where an event lies in a table: its chunk and its offset there. Ordered as recorded.
    struct Position: Sendable, Comparable {
        let chunk: UInt32
        let offset: UInt32

        static func < (a: Position, b: Position) -> Bool { (a.chunk, a.offset) < (b.chunk, b.offset) }
    }

    /// The events of a table (a snapshot's worth), chunk by chunk.
    struct Events: Sequence {
        fileprivate let chunks: [EventChunk]
        fileprivate let lastCount: Int

        func makeIterator() -> Iterator { Iterator(events: self) }

        /// The event at `position` (one of `positions()`).
        subscript(position: Position) -> MonitorEvent {
            chunks[Int(position.chunk)].base[Int(position.offset)]
        }

        /// Where each event lies, in the order recorded (`count` of them).
        func positions(count: Int) -> [Position] {
            var positions: [Position] = []
            positions.reserveCapacity(count)
            for chunk in chunks.indices {
                for offset in 0..<filled(chunk) {
                    positions.append(Position(chunk: UInt32(chunk), offset: UInt32(offset)))
                }
            }
            return positions
        }

        /// How many of chunk `index`'s events belong to this snapshot (the last chunk's may be fewer than it holds).
        fileprivate func filled(_ index: Int) -> Int {
            index == chunks.count - 1 ? lastCount : chunks[index].capacity
        }

        struct Iterator: IteratorProtocol {
            private let events: Events
            private var chunk = -1
            /// The current chunk's memory, where the next event is, and how many of its events are this snapshot's.
            private var base: UnsafeMutablePointer<MonitorEvent>?
            private var offset = 0
            private var end = 0

            fileprivate init(events: Events) { self.events = events }

            mutating func next() -> MonitorEvent? {
                while offset == end {
                    guard chunk + 1 < events.chunks.count else { return nil }
                    chunk += 1
                    base = events.chunks[chunk].base
                    offset = 0
                    end = events.filled(chunk)
                }
                defer { offset += 1 }
                return base?[offset]
            }
        }
    }
}

/// One block of event memory. `MonitorEvent` holds no references, so the memory is plain: nothing to release.
///
/// `@unchecked Sendable`: the monitor writes a chunk only under its lock and past every snapshot's end; readers
/// read only up to their snapshot's end (see `EventTable`).
final class EventChunk: @unchecked Sendable {
    let base: UnsafeMutablePointer<MonitorEvent>
    let capacity: Int
    /// How far any copy of the table has written (the next free slot).
    var filled = 0
    /// The memory is another chunk's (a prefix view), freed by that chunk.
    private let owner: EventChunk?

    static let firstCapacity = 64
    static let largestCapacity = 8_192

    /// Sizes: 64 events, doubling to 8,192, then 8,192 each.
    static func capacity(after previous: Int) -> Int {
        previous == 0 ? firstCapacity : min(max(previous, firstCapacity), largestCapacity)
    }

    init(capacity: Int) {
        self.capacity = capacity
        owner = nil
        base = .allocate(capacity: capacity)
    }

    private init(prefixOf chunk: EventChunk, count: Int) {
        base = chunk.base
        capacity = count
        filled = count
        owner = chunk
    }

    /// The first `count` events, as a chunk of their own (the memory stays the original's).
    func prefix(_ count: Int) -> EventChunk { EventChunk(prefixOf: self, count: count) }

    deinit {
        if owner == nil { base.deallocate() }
    }
}
