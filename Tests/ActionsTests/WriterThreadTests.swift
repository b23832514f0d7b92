@testable import Actions
import EventLog
import Foundation
import NIOConcurrencyHelpers
import Testing

/// A source holding one batch, given out only once the test says so, whose writing loses `lost` items (as the
/// monitor's batch loses an event whose chain's start was dropped); it keeps the notes the writer writes.
private final class LosingSource: WriterSource, Sendable {
    let lost: Int
    /// Whether the batch may be taken, and whether it was.
    let batch = NIOLockedValueBox((ready: false, taken: false))
    let takes = NIOLockedValueBox(0)
    let notes = NIOLockedValueBox<[EventMessage]>([])

    init(lost: Int) { self.lost = lost }

    func take() -> (batch: Int, dropped: Int) {
        takes.withLockedValue { $0 += 1 }
        let give = batch.withLockedValue { b -> Bool in
            guard b.ready, !b.taken else { return false }
            b.taken = true
            return true
        }
        return (give ? 1 : 0, 0)
    }

    func isEmpty(_ batch: Int) -> Bool { batch == 0 }
    func write(_ batch: Int) -> WriteOutcome { WriteOutcome(written: 0, lost: lost) }
    func write(note: EventMessage) -> Bool {
        notes.withLockedValue { $0.append(note) }
        return true
    }
}

@Suite("The writer thread")
struct WriterThreadTests {
    @Test("what the last batch, taken at stop(), loses is said in the log too")
    func lossInTheLastBatch() throws {
        let source = LosingSource(lost: 3)
        let writer = WriterThread(name: "test.writer", source: source)
        // The writer has looked once and found nothing: it sleeps until stop() wakes it for its last round.
        let deadline = ContinuousClock.now + .seconds(30)
        while source.takes.withLockedValue({ $0 }) == 0, ContinuousClock.now < deadline { usleep(1_000) }
        source.batch.withLockedValue { $0.ready = true }
        let report = writer.stop()
        #expect(source.batch.withLockedValue { $0.taken })
        #expect(report.lost == 3)
        let said = source.notes.withLockedValue { notes in
            notes.compactMap { $0.fields[MonitorVocabulary.Field.count]?.intValue }.reduce(0, +)
        }
        #expect(said == 3, "every lost item is said in the log")
    }
}
