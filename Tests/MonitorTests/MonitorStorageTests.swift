import Defer
import EventLog
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
    @Test("the event table keeps every event in order across growing and full-size chunks")
    func eventTableOrder() {
        var table = EventTable()
        #expect(Array(table.all).isEmpty)
        // Past the doubling chunks (64 … 8,192 events) and into several full-size ones.
        let total = 4 * EventChunk.largestCapacity + 1_000
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

    @Test("events come out in time order, ties in the order recorded, whether recorded in order or not")
    func timeOrder() {
        var random = SystemRandomNumberGenerator()
        for shuffled in [false, true] {
            var buffer = EventBuffer()
            // Times with many ties; the slot says where each was recorded.
            let times = (0..<20_000).map { i in shuffled ? UInt64.random(in: 0..<500, using: &random) : UInt64(i / 7) }
            for (position, time) in times.enumerated() {
                buffer.append(.cancelled(chain: 1, slot: Int32(position), time: time))
            }
            let expected = times.enumerated().sorted { ($0.element, $0.offset) < ($1.element, $1.offset) }
            let ordered = buffer.inTimeOrder()
            #expect(ordered.count == times.count)
            #expect(ordered.order == nil || shuffled)
            let got = ordered.map { event -> (UInt64, Int) in
                guard case .cancelled(_, let slot, let time) = event else { return (0, -1) }
                return (time, Int(slot))
            }
            #expect(got.map(\.0) == expected.map(\.element))
            #expect(got.map(\.1) == expected.map(\.offset))
        }
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

    @Test("an observer that implements only didRecord hears willRun and didRun around each run, in order")
    func runsReachPlainObservers() throws {
        final class Recorder: DeferredObserver, @unchecked Sendable {
            var events: [String] = []
            func deferred(_ deferred: AnyDeferred, didRecord event: DeferredEvent) {
                switch event {
                case .willRun(let index, let onErrorPath): events.append("will \(index) \(onErrorPath)")
                case .didRun(let index, let returned): events.append("did \(index) \(returned == nil)")
                case .skipped(let index): events.append("skip \(index)")
                case .fired: events.append("fired")
                default: break
                }
            }
            func deferredWasReleased(_ id: ObjectIdentifier, observerSlot: Int, unhandled: Failure?) {}
        }
        let recorder = Recorder()
        let d = Deferred<Int>()
        d.base.observer = recorder
        d.base.observerSlot = 1
        d.addCallback { $0 + 1 }.addErrback { _ in 0 }.addCallback { _ -> Int in throw Boom() }.addErrback { _ in 5 }
        try d.callback(1)
        #expect(d.base.runInProgress == nil)
        #expect(recorder.events == ["fired", "will 0 false", "did 0 true", "skip 1", "will 2 false", "did 2 true", "will 3 true", "did 3 true"])
    }

    @Test("while a pair runs, the deferred shows it in runInProgress with its observer's token")
    func runInProgressDuringRun() throws {
        let monitor = JSONMonitor()
        let d = Deferred<Int>()
        monitor.track(d, label: "d")
        var seen: RunInProgress?
        d.addCallback { value -> Int in
            seen = d.base.runInProgress
            return value
        }
        try d.callback(3)
        let run = try #require(seen)
        #expect(run.index == 0 && run.onErrorPath == false && run.token != 0)
        #expect(d.base.runInProgress == nil)
    }

    @Test("a pair added by a chain's own callback is recorded after that run's start")
    func addedDuringOwnRun() throws {
        let monitor = JSONMonitor()
        let d = Deferred<Int>()
        monitor.track(d, label: "self-adding")
        d.addCallback(label: "outer") { value -> Int in
            d.addCallback(label: "inner") { $0 * 2 }
            return value + 1
        }
        try d.callback(1)
        #expect(
            monitor.story(of: "self-adding") == [
                "reactortrack:deferred started", "reactortrack:added", "reactortrack:fired",
                "reactortrack:run outer started", "reactortrack:added", "reactortrack:run succeeded",
                "reactortrack:run inner started", "reactortrack:run succeeded",
            ])
        // Task levels follow the same order: the added pair's level comes after the run's.
        let task = try #require(monitor.messages.first { $0.fields["label"]?.stringValue == "self-adding" }?.taskUUID)
        let levels = monitor.messages.filter { $0.taskUUID == task }.map { $0.taskLevel.first ?? 0 }
        #expect(levels == levels.sorted(), "\(levels)")
        let result = try #require(monitor.messages.last { $0.actionType == "reactortrack:run" })
        #expect(result.fields["output"]?.stringValue == "4")
    }

    @Test("a deferred fired inside another's callback: the log is in the order things happened")
    func nestedChainsInTimeOrder() throws {
        let monitor = JSONMonitor()
        let outer = Deferred<Int>()
        let inner = Deferred<Int>()
        monitor.track(outer, label: "outer")
        monitor.track(inner, label: "inner")
        inner.addCallback(label: "inner-step") { $0 + 1 }
        outer.addCallback(label: "outer-step") { value -> Int in
            try? inner.callback(value)
            return value
        }
        try outer.callback(1)
        let starts = monitor.messages.filter { $0.actionType == "reactortrack:run" && $0.actionStatus == .started }
        #expect(starts.compactMap { $0.fields["name"]?.stringValue } == ["outer-step", "inner-step"])
        let times = monitor.messages.compactMap(\.timestamp)
        #expect(times == times.sorted())
    }

    @Test("consecutive runs: each starts no earlier than the previous one ended")
    func consecutiveRunsAreOrdered() throws {
        let monitor = JSONMonitor()
        let d = Deferred<Int>()
        monitor.track(d, label: "steps")
        var chain = d.addCallback { $0 + 1 }
        for _ in 0..<5 { chain = chain.addCallback { value in usleep(2_000); return value + 1 } }
        try d.callback(0)
        let runs = monitor.messages.filter { $0.actionType == "reactortrack:run" }
        #expect(runs.count == 12)
        let times = runs.compactMap(\.timestamp)
        #expect(times == times.sorted())
        // Each sleeping run lasted about 2 ms.
        for pair in stride(from: 2, to: runs.count, by: 2) {
            let duration = times[pair + 1] - times[pair]
            #expect(duration >= 0.0015 && duration < 1, "run \(pair / 2): \(duration)")
        }
    }
}
