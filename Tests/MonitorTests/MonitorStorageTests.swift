import Defer
import Foundation
@testable import Monitor
import Testing

/// An event whose fields say which one it is (`time` is its number).
private func event(_ number: Int) -> MonitorEvent {
    .cancelled(chain: 1, slot: Int32(number % 1000), time: UInt64(number))
}

private func numbers(_ table: EventTable) -> [Int] {
    table.all.map { event in
        guard case .cancelled(_, _, let time) = event else { return -1 }
        return Int(time)
    }
}

@Suite("The monitor's event storage and clock")
struct MonitorStorageTests {
    @Test("the event table keeps every event in order across small and 2 MiB chunks")
    func eventTableOrder() {
        var table = EventTable()
        #expect(Array(table.all).isEmpty)
        // Past the doubling chunks (64 … 65,536 events) and into a second 2 MiB one.
        let total = 2 * EventChunk.hugeCapacity + 1_000
        for number in 0..<total { table.append(event(number)) }
        #expect(table.count == total)
        #expect(numbers(table) == Array(0..<total))
    }

    @Test("a copy of the event table is a snapshot, and either copy can go on appending")
    func eventTableSnapshots() {
        var original = EventTable()
        for number in 0..<100 { original.append(event(number)) }
        var snapshot = original
        for number in 100..<300 { original.append(event(number)) }
        #expect(numbers(snapshot) == Array(0..<100))
        #expect(numbers(original) == Array(0..<300))
        // The snapshot's chunk was written on by the original: its own appends go to a new chunk.
        for number in 1_000..<1_050 { snapshot.append(event(number)) }
        #expect(numbers(snapshot) == Array(0..<100) + Array(1_000..<1_050))
        #expect(numbers(original) == Array(0..<300))
        original.append(event(300))
        #expect(numbers(original) == Array(0..<301))
        #expect(snapshot.count == 150)
    }

    @Test("ticks become seconds on the line through two anchors")
    func tickScaleInterpolates() {
        let start = MonitorClock.Anchor(ticks: 1_000, realtime: 1_700_000_000, monotonic: 50)
        let end = MonitorClock.Anchor(ticks: 3_001_000, realtime: 1_700_000_001, monotonic: 51)
        let scale = TickScale(from: start, to: end, nanosecondTicks: false)
        #expect(abs(scale.secondsPerTick - 1.0 / 3_000_000) < 1e-15)
        #expect(scale.seconds(1_000) == 1_700_000_000)
        #expect(abs(scale.seconds(1_501_000) - 1_700_000_000.5) < 1e-6)
        #expect(abs(scale.seconds(3_001_000) - 1_700_000_001) < 1e-6)
        #expect(abs(scale.duration(from: 1_000, to: 301_000) - 0.1) < 1e-9)
        #expect(scale.duration(from: 5_000, to: 1_000) == 0)
    }

    @Test("a wall clock stepped between the anchors gives the monotonic rate, not a jump spread over the log")
    func tickScaleIgnoresSteppedWallClock() {
        let start = MonitorClock.Anchor(ticks: 0, realtime: 1_700_000_000, monotonic: 50)
        let stepped = MonitorClock.Anchor(ticks: 2_000_000, realtime: 1_700_003_600, monotonic: 51)
        let scale = TickScale(from: start, to: stepped, nanosecondTicks: false)
        #expect(abs(scale.secondsPerTick - 1.0 / 2_000_000) < 1e-15)
        #expect(abs(scale.seconds(1_000_000) - 1_700_000_000.5) < 1e-6)
        // Nanosecond ticks (no counter) are nanoseconds whatever the anchors say.
        let nanoseconds = TickScale(from: start, to: stepped, nanosecondTicks: true)
        #expect(nanoseconds.secondsPerTick == 1e-9)
    }

    @Test("the clock's times agree with the system clock, with the CPU counter and without", arguments: [true, false])
    func clockAgreesWithSystemClock(counter: Bool) throws {
        let clock = MonitorClock(usesCounter: counter)
        if counter && clock.usesCounter == false {
            // This build or kernel has no counter to use: the clock fell back to CLOCK_MONOTONIC.
            #expect(MonitorClock(usesCounter: true).usesCounter == false)
        }
        let origin = clock.anchor()
        let before = MonitorClock.realtime()
        let first = clock.now()
        usleep(20_000)
        let second = clock.now()
        let after = MonitorClock.realtime()
        let scale = clock.scale(since: origin)
        let elapsed = scale.seconds(second) - scale.seconds(first)
        #expect(elapsed >= 0.019 && elapsed < 5, "elapsed \(elapsed)")
        #expect(scale.seconds(first) >= before - 0.001 && scale.seconds(second) <= after + 0.001)
    }

    @Test("an observer that implements only didRecord still hears of every added pair")
    func addedReachesPlainObservers() throws {
        final class Recorder: DeferredObserver, @unchecked Sendable {
            var added: [String] = []
            func deferred(_ deferred: AnyDeferred, didRecord event: DeferredEvent) {
                if case .added(let index, let callback, let errback, let kind, _, _) = event {
                    added.append("\(index) \(callback) \(errback) \(kind)")
                }
            }
            func deferredWasReleased(_ id: ObjectIdentifier, observerSlot: Int, unhandled: Failure?) {}
        }
        let recorder = Recorder()
        let d = Deferred<Int>()
        d.base.observer = recorder
        d.base.observerSlot = 1
        d.addCallback(label: "one") { $0 + 1 }.addErrback { _ in 0 }
        #expect(recorder.added == ["0 named(\"one\") passThrough callback", "1 passThrough unnamed errback"])
    }
}
