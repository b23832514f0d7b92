import Actions
import EventLog
import NIOConcurrencyHelpers

/// The streaming monitor as a source of the package's writer thread (``WriterThread``): the thread takes the
/// recorded events in batches (`drain` swaps the monitor's buffer for an empty one under the monitor's lock),
/// encodes them straight into log lines and writes them a megabyte at a time, so the tracked path only appends to
/// the buffer and the writer's memory stays bounded.
///
/// An event whose chain's start was dropped (the backlog was full) cannot be written: it is counted as lost too.
struct MonitorStream: WriterSource {
    /// Takes the events recorded since the last batch, and how many the monitor dropped meanwhile.
    let drain: @Sendable () -> (batch: EventBuffer, dropped: Int)
    /// The scale that turns the batch's ticks into Unix seconds (anchored after the drain).
    let scale: @Sendable () -> TickScale
    let destination: FileDestination
    /// The encoder's state (each chain's task and current value) lives from batch to batch. Only the writer
    /// thread uses it; the lock is never contended.
    let encoder: NIOLockedValueBox<MonitorEncoder>

    /// Lines are written when this many bytes are encoded.
    static let chunkBytes = 1 << 20

    func take() -> (batch: EventBuffer, dropped: Int) { drain() }

    func isEmpty(_ batch: EventBuffer) -> Bool { batch.isEmpty }

    func write(_ batch: EventBuffer) -> WriteOutcome {
        encoder.withLockedValue { encoder in
            // Anchored after the drain: every event of the batch lies between the monitor's start and now.
            encoder.scale = scale()
            var outcome = WriteOutcome()
            var lines = LineBuilder(capacity: Self.chunkBytes + 4096)
            let events = batch.inTimeOrder()
            for (position, event) in events.enumerated() {
                if !encoder.append(event, in: batch, to: &lines) { outcome.lost += 1 }
                guard lines.byteCount >= Self.chunkBytes || position == events.count - 1 else { continue }
                let (written, error) = destination.write(lines: lines)
                outcome.written += written
                outcome.lost += lines.count - written
                if let error { outcome.error = "\(error)" }
                lines.removeAll()
            }
            return outcome
        }
    }

    func write(note: EventMessage) -> Bool {
        (try? destination.write(note)) != nil
    }
}
