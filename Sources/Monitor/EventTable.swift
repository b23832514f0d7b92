#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The recorded events themselves: append-only, in chunks of raw memory that never move.
///
/// This is the tracked path's store, written once per event, so it avoids what an array of chunks costs there:
/// - an append is a bounds check and a 32-byte store (no uniqueness check, no reallocation);
/// - once the table is large, chunks are 2 MiB, aligned and marked for transparent huge pages where the kernel
///   offers them (Linux `madvise`): filling a million events then takes a dozen page faults instead of eight
///   thousand. Profiles of the tracked path had page faults on fresh event memory at about a sixth of its time.
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

    /// The events of a table (a snapshot's worth), chunk by chunk.
    struct Events: Sequence {
        fileprivate let chunks: [EventChunk]
        fileprivate let lastCount: Int

        func makeIterator() -> Iterator { Iterator(events: self) }

        struct Iterator: IteratorProtocol {
            private let events: Events
            private var chunk = 0
            private var offset = 0

            fileprivate init(events: Events) { self.events = events }

            mutating func next() -> MonitorEvent? {
                while chunk < events.chunks.count {
                    let current = events.chunks[chunk]
                    let end = chunk == events.chunks.count - 1 ? events.lastCount : current.capacity
                    if offset < end {
                        defer { offset += 1 }
                        return current.base[offset]
                    }
                    chunk += 1
                    offset = 0
                }
                return nil
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
    private let huge: Bool

    /// Sizes: 64 events, doubling to `hugeCapacity` (2 MiB of events), then 2 MiB each.
    static let firstCapacity = 64
    static let hugeBytes = 2 << 20
    static var hugeCapacity: Int { hugeBytes / MemoryLayout<MonitorEvent>.stride }

    static func capacity(after previous: Int) -> Int {
        previous == 0 ? firstCapacity : min(max(previous, firstCapacity), hugeCapacity)
    }

    init(capacity: Int) {
        self.capacity = capacity
        owner = nil
        let bytes = capacity * MemoryLayout<MonitorEvent>.stride
        if capacity == Self.hugeCapacity, let memory = Self.allocateHuge(bytes) {
            base = memory.bindMemory(to: MonitorEvent.self, capacity: capacity)
            huge = true
        } else {
            base = .allocate(capacity: capacity)
            huge = false
        }
    }

    private init(prefixOf chunk: EventChunk, count: Int) {
        base = chunk.base
        capacity = count
        filled = count
        owner = chunk
        huge = false
    }

    /// The first `count` events, as a chunk of their own (the memory stays the original's).
    func prefix(_ count: Int) -> EventChunk { EventChunk(prefixOf: self, count: count) }

    deinit {
        guard owner == nil else { return }
        if huge { free(base) } else { base.deallocate() }
    }

    /// 2 MiB aligned to 2 MiB, marked for a huge page (one fault fills it) where the kernel supports that.
    private static func allocateHuge(_ bytes: Int) -> UnsafeMutableRawPointer? {
        var memory: UnsafeMutableRawPointer?
        guard posix_memalign(&memory, hugeBytes, bytes) == 0, let memory else { return nil }
        #if os(Linux)
        _ = madvise(memory, bytes, MADV_HUGEPAGE)
        #endif
        return memory
    }
}
