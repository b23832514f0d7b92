import Dispatch
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading with a brief grouper on two threads: one reads lines and decodes them (the larger half of the work),
/// the other places them in their tasks and hands tasks out, as ``TaskReader/read(_:_:)`` does on one.
///
/// The reading thread's grouper is used for its `head` (decoding) only; what it finds goes over in batches of
/// copied lines, each line with its level, kept values and warnings, and the caller's grouper places them with
/// ``BriefTaskGrouper/place(_:raw:)`` in the same order. Everything
/// comes out exactly as on one thread: the same tasks, ordinals, warnings and progress.
///
/// Invariants:
/// - The reader and the reading grouper are touched by the reading thread only, from its start until it signals
///   `finished`; the caller waits for that before it returns (or throws), so it may use the reader again after.
/// - Batches cross in `queue`, under its lock; at most `depth` are in flight, so memory is bounded by the batch
///   size whatever the log. Placed batches go back through `queue` too, emptied, to be filled again.
/// - The caller stopping early (an I/O error, or a batch it cannot use) sets `stopped`: the reading thread then
///   ends at its next batch instead of waiting for room.
extension TaskReader {
    /// One line as the reading thread found it.
    struct PipedLine: Sendable {
        /// Its number in its file.
        var localLine: Int
        /// The warnings about it (`warningCount` from `warningStart` in the batch): the reader's, or the
        /// decoder's when it held no message.
        var warningStart: Int
        var warningCount: Int
        /// Its message, when it held one: where its bytes, level and kept values are in the batch.
        var head: BriefTaskGrouper.LineHead?
        var byteStart = 0
        var byteCount = 0
        var levelStart = 0
        var levelCount = 0
        var valueStart = 0
        var valueCount = 0
    }

    /// Lines read and decoded, in order, with copies of their bytes.
    struct PipedBatch: Sendable {
        var lines: [PipedLine] = []
        var bytes: [UInt8] = []
        var levels: [Int] = []
        var values: [KeptValue] = []
        var warnings: [EventLogError] = []

        static let byteLimit = 1 << 20
        static let lineLimit = 8_192
        var isFull: Bool { bytes.count >= Self.byteLimit || lines.count >= Self.lineLimit }

        /// An empty batch with room for a full one of typical lines: growing each from nothing took a dozen
        /// reallocations and copies per batch.
        static func empty() -> PipedBatch {
            var batch = PipedBatch()
            batch.lines.reserveCapacity(lineLimit)
            batch.bytes.reserveCapacity(byteLimit + (1 << 12))
            batch.levels.reserveCapacity(2 * lineLimit)
            batch.values.reserveCapacity(2 * lineLimit)
            return batch
        }

        /// Empties it for another use, keeping its memory.
        mutating func clear() {
            lines.removeAll(keepingCapacity: true)
            bytes.removeAll(keepingCapacity: true)
            levels.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
            warnings.removeAll(keepingCapacity: true)
        }
    }

    private struct PipeState {
        var batches: [PipedBatch] = []
        /// Batches the caller has placed, emptied, for the reading thread to fill again: a fresh megabyte per
        /// batch cost its allocation and a page fault per page.
        var spare: [PipedBatch] = []
        var finished = false
        var stopped = false
    }

    /// `@unchecked Sendable`: the reader and the reading grouper, handed to the reading thread, which alone
    /// touches them until it signals `finished` (see the invariants above).
    private final class ReadingSide: @unchecked Sendable {
        let reader: EventLogReader
        var grouper: BriefTaskGrouper
        init(reader: EventLogReader, grouper: BriefTaskGrouper) {
            self.reader = reader
            self.grouper = grouper
        }
    }

    /// Whether to read on two threads: with more than one processor, unless `REACTORTRACK_READ_THREADS=1`.
    static let readsOnTwoThreads: Bool = {
        if let setting = getenv("REACTORTRACK_READ_THREADS"), String(cString: setting) == "1" { return false }
        return sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1
    }()

    /// Reads every line of `reader` into `grouper` as the one-thread loop of ``read(_:_:)`` does, the decoding
    /// on another thread; `each` gets every line's outcome in order, with its number in its file.
    static func readPiped(
        _ reader: EventLogReader, into grouper: inout BriefTaskGrouper, offset: Int, warnings: inout [EventLogError],
        _ each: (_ added: BriefTaskGrouper.Added, _ localLine: Int) -> Void
    ) throws(EventLogError) {
        let depth = 4
        let queue = NIOLockedValueBox(PipeState())
        let ready = DispatchSemaphore(value: 0)
        let room = DispatchSemaphore(value: depth)
        let finished = DispatchSemaphore(value: 0)
        // (Its own warnings and decoder go unused: a line's warnings come from the reader's decoder.)
        let side = ReadingSide(
            reader: reader,
            grouper: BriefTaskGrouper(file: "", fields: grouper.fields, keptFields: nil, rootType: grouper.rootType))
        // A serial queue of its own, which libdispatch runs on its overcommitting pool (a thread is made when none
        // is free), not the width-limited global queue: a caller that is itself on a pool thread, waiting for
        // batches, must never wait for a pool its own waiting has filled. (Foundation's `Thread` would load
        // Foundation into every command.)
        DispatchQueue(label: "reactortrack-read").async {
            defer { finished.signal() }
            var batch = PipedBatch.empty()
            func send() -> Bool {
                room.wait()
                let (going, reused) = queue.withLockedValue { state -> (Bool, PipedBatch?) in
                    guard !state.stopped else { return (false, nil) }
                    state.batches.append(batch)
                    return (true, state.spare.popLast())
                }
                ready.signal()
                batch = reused ?? PipedBatch.empty()
                return going
            }
            defer {
                queue.withLockedValue { state in
                    if !state.stopped { state.batches.append(batch) }
                    state.finished = true
                }
                ready.signal()
            }
            while let raw = side.reader.nextLine() {
                switch raw {
                case .warning(let warning):
                    let start = batch.warnings.count
                    let line = side.reader.lineNumber
                    batch.lines.append(PipedLine(localLine: line, warningStart: start, warningCount: 1))
                    batch.warnings.append(warning)
                    if warning.code == .ioError { return }
                case .line(let range, let atEndWithoutNewline):
                    let line = side.reader.lineNumber
                    let bytes = side.reader.bytes(range)
                    let warningStart = batch.warnings.count
                    let head = side.grouper.head(
                        bytes, line: offset + line, localLine: line, atEndWithoutNewline: atEndWithoutNewline,
                        decoder: side.reader, readerWarnings: &batch.warnings)
                    var piped = PipedLine(
                        localLine: line, warningStart: warningStart, warningCount: batch.warnings.count - warningStart,
                        head: head)
                    if head != nil {
                        piped.byteStart = batch.bytes.count
                        piped.byteCount = bytes.count
                        batch.bytes.append(contentsOf: bytes)
                        piped.levelStart = batch.levels.count
                        piped.levelCount = side.grouper.levelScratch.count
                        batch.levels.append(contentsOf: side.grouper.levelScratch)
                        piped.valueStart = batch.values.count
                        piped.valueCount = side.grouper.valueScratch.count
                        batch.values.append(contentsOf: side.grouper.valueScratch)
                    }
                    batch.lines.append(piped)
                }
                if batch.isFull, !send() { return }
            }
        }
        // However this ends, the reading thread is let go and waited for before the reader is used again.
        // (The lock taken once more after the wait orders the reading thread's last use of the reader, before its
        // last unlock, before ours, for the thread sanitizer too.)
        defer {
            queue.withLockedValue { $0.stopped = true }
            room.signal()
            finished.wait()
            queue.withLockedValue { _ in }
        }
        // One batch (or, once stopped, none) per signal of `ready`; the last comes with `finished` set.
        var done = false
        while !done {
            ready.wait()
            var next = queue.withLockedValue { state -> PipedBatch? in
                let next = state.batches.isEmpty ? nil : state.batches.removeFirst()
                done = state.finished && state.batches.isEmpty
                return next
            }
            // Taken out, not copied: emptied while another reference to its arrays lived, each would be made
            // afresh.
            guard var batch = next.take() else { continue }
            room.signal()
            try batch.bytes.withUnsafeBufferPointer { (bytes) throws(EventLogError) in
                for piped in batch.lines {
                    for k in piped.warningStart..<piped.warningStart + piped.warningCount {
                        let warning = batch.warnings[k]
                        if piped.head == nil, warning.code == .ioError { throw warning }
                        warnings.append(warning)
                    }
                    guard let head = piped.head else { continue }
                    grouper.levelScratch.removeAll(keepingCapacity: true)
                    grouper.levelScratch.append(
                        contentsOf: batch.levels[piped.levelStart..<piped.levelStart + piped.levelCount])
                    grouper.valueScratch.removeAll(keepingCapacity: true)
                    grouper.valueScratch.append(
                        contentsOf: batch.values[piped.valueStart..<piped.valueStart + piped.valueCount])
                    let raw = UnsafeBufferPointer(rebasing: bytes[piped.byteStart..<piped.byteStart + piped.byteCount])
                    each(grouper.place(head, raw: raw), piped.localLine)
                }
            }
            batch.clear()
            queue.withLockedValue { $0.spare.append(batch) }
        }
    }
}
