import Chains
import Defer
import EventLog
import Foundation
import Monitor
import Testing
import TestSupport

/// Every kind of event the monitor writes, through the bytes of `mon.out` and back through the reader that
/// draws it: the facts that come out are the ones that went in. Writer and reader share `MonitorVocabulary`,
/// so this checks what the names carry, not how they are spelled.
@Suite("The monitor's vocabulary, written and read back")
struct VocabularyRoundTripTests {
    static func readBack(_ monitor: JSONMonitor) throws -> (log: TrackedLog, chains: [String: Chain], path: String) {
        let path = TestFixtures.scratch.appendingPathComponent("mon-\(UUID().uuidString).out").path
        try monitor.dump(to: path)
        let log = try LogLoader().load([path])
        #expect(log.warnings.isEmpty, "\(log.warnings)")
        return (log, Dictionary(log.chains.map { ($0.label, $0) }, uniquingKeysWith: { a, _ in a }), path)
    }

    @Test("runs, failures, chainDeferred, waits, pause, cancel, unhandled errors and chain ends")
    func everyKind() throws {
        let previous = UnhandledError.sink
        UnhandledError.sink = { _ in }
        defer { UnhandledError.sink = previous }
        let clock = ManualReactor()
        let monitor = JSONMonitor(followChained: true)
        // added, fired, runs that succeed and fail, chained (pair 3), chain ends.
        let d = Deferred<Int>()
        let d2 = Deferred<Int>()
        monitor.track(d, label: "d")
        monitor.track(d2, label: "d2")
        d.addCallback(label: "double") { $0 * 2 }
            .addCallback(label: "explode") { _ -> Int in throw Boom() }
            .addErrback(label: "recover") { _ in 7 }
        d.chainDeferred(d2)
        try d.callback(1)
        // waiting and resumed: a callback returns an unfired Deferred.
        let outer = Deferred<Int>()
        monitor.track(outer, label: "outer")
        outer.addCallback(label: "fetch") { _ in deferLater(clock, delay: 2) { 40 } }
        try outer.callback(0)
        clock.advance(by: 2)
        // pause, cancelled.
        let paused = Deferred<Int>()
        monitor.track(paused, label: "paused")
        paused.pause()
        paused.unpause()
        let cancelled = Deferred<Int>()
        monitor.track(cancelled, label: "cancelled")
        cancelled.addErrback(label: "swallow") { _ in 0 }
        cancelled.cancel()
        // fired with a failure, then released unhandled.
        do {
            let lost = Deferred<Int>()
            monitor.track(lost, label: "lost")
            try lost.errback(Boom())
        }

        let (log, chains, path) = try Self.readBack(monitor)
        let reader = try EventLogReader(path: path)
        let messages = reader.readAll().messages.map(\.message)
        #expect(reader.formatVersion == EventLogFormat.version)

        let dc = try #require(chains["d"])
        let d2c = try #require(chains["d2"])
        #expect(dc.pairs.map(\.callback) == ["double", "explode", nil, "chainDeferred.callback"])
        #expect(dc.pairs.map(\.errback) == [nil, nil, "recover", "chainDeferred.errback"])
        #expect(dc.pairs.compactMap(\.run?.name) == ["double", "explode", "recover", "chainDeferred.callback"])
        let explode = try #require(dc.pairs[1].run)
        #expect(explode.exception == "Boom" && explode.reason == "boom")
        #expect(dc.pairs[2].run?.input == "Boom: boom")
        #expect(dc.links == [ChainLink(kind: .chained, target: try #require(d2c.deferredID), pairIndex: 3, time: dc.links.first?.time)])
        #expect(dc.outcome == .recovered(exception: "Boom", reason: "boom"))
        #expect(dc.firedSide == .callback && dc.firedValue == "1")
        #expect(d2c.firedValue == "7" && d2c.outcome == .succeeded)

        let outerChain = try #require(chains["outer"])
        let inner = try #require(log.chains.first { $0.trackedBy == "chained" })
        #expect(outerChain.waits.count == 1)
        #expect(outerChain.waits.first?.on == inner.deferredID && outerChain.waits.first?.resumedValue == "40")
        #expect(outerChain.links.contains { $0.kind == .waitedOn && $0.target == inner.deferredID && $0.pairIndex == 0 })

        let pauses = messages.filter { $0.messageType == MonitorVocabulary.Message.pause.rawValue }
        #expect(pauses.compactMap { $0.fields[MonitorVocabulary.Field.count]?.intValue } == [1, 0])
        #expect(try #require(chains["cancelled"]).cancelled)

        let lost = try #require(chains["lost"])
        #expect(lost.outcome == .unhandled(exception: "Boom", reason: "boom"))
        #expect(lost.firedSide == .errback && lost.firedValue == "Boom: boom")
        #expect(lost.facts?.status == .failed)

        // Who tracked each chain: the program, or the monitor following a link, in the declared words only.
        let trackedBy = messages.compactMap { $0.fields[MonitorVocabulary.Field.trackedBy]?.stringValue }
        #expect(Set(trackedBy) == Set(MonitorVocabulary.TrackedBy.allCases.map(\.rawValue)))
        #expect(chains["d"]?.trackedBy == MonitorVocabulary.TrackedBy.user.rawValue)
        #expect(outerChain.links.allSatisfy { link in
            log.chains.first { $0.deferredID == link.target }?.trackedBy == MonitorVocabulary.TrackedBy.chained.rawValue
        })
    }

    /// The monitor writes its lines field by field (no message values on the way): each must read back to a
    /// message that the general encoder writes with the same keys in the same order and the same values.
    @Test("every kind of line is what the general encoder would write, key by key")
    func linesMatchTheEncoder() throws {
        let previous = UnhandledError.sink
        UnhandledError.sink = { _ in }
        defer { UnhandledError.sink = previous }
        let monitor = JSONMonitor(followChained: true)
        let d = Deferred<Int>()
        let d2 = Deferred<Int>()
        monitor.track(d, label: "quote \" backslash \\ newline \n tab \t")
        monitor.track(d2)
        d.addCallback(label: "double") { $0 * 2 }.addCallback { _ -> Int in throw Boom() }.addErrback { _ in 7 }
        d.chainDeferred(d2)
        try d.callback(1)
        let clock = ManualReactor()
        let outer = Deferred<Int>()
        monitor.track(outer)
        outer.addCallback { _ in deferLater(clock, delay: 1) { 40 } }
        try outer.callback(0)
        clock.advance(by: 1)
        let paused = Deferred<String>()
        monitor.track(paused)
        paused.pause()
        paused.unpause()
        paused.cancel()
        do {
            let lost = Deferred<Int>()
            monitor.track(lost)
            try lost.errback(Boom())
        }
        // Tracked after it fired: the pair that ran before is recorded as such.
        let late = Deferred<Int>()
        late.addCallback(label: "early") { $0 }
        try late.callback(1)
        monitor.track(late)
        // A wait cycle: a's callback returns b, b's returns a; neither can fire again.
        let a = Deferred<Int>()
        let b = Deferred<Int>()
        monitor.track(a)
        monitor.track(b)
        a.addCallback { _ in b }
        b.addCallback { _ in a }
        try a.callback(1)
        try b.callback(2)
        let path = TestFixtures.scratch.appendingPathComponent("mon-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try monitor.dump(to: path)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        var kinds = Set<String>()
        for line in lines {
            let read = EventLogReader(bytes: Array(line.utf8)).readAll()
            let message = try #require(read.messages.first?.message, "\(line)")
            #expect(read.warnings.isEmpty)
            let again = String(decoding: EventLogEncoder().encode(message).dropLast(), as: UTF8.self)
            #expect(try Self.keys(line) == Self.keys(again), "\(line)")
            #expect(EventLogReader(bytes: Array(again.utf8)).readAll().messages.first?.message == message)
            kinds.insert(message.messageType ?? "\(message.actionType ?? "?") \(message.actionStatus?.rawValue ?? "?")")
        }
        // Every message type and action status the monitor writes was seen.
        let expected = Set(MonitorVocabulary.Message.allCases.map(\.rawValue)).subtracting(["reactortrack:dropped"])
            .union([
                "reactortrack:deferred started", "reactortrack:deferred succeeded", "reactortrack:deferred failed",
                "reactortrack:run started", "reactortrack:run succeeded", "reactortrack:run failed",
            ])
        #expect(kinds == expected)
    }

    /// A line's keys, in order.
    static func keys(_ line: String) throws -> [String] {
        let regex = try Regex(#""([a-z_]+)":"#)
        return line.matches(of: regex).compactMap { $0.output[1].substring.map(String.init) }
    }

    @Test("a bounded buffer's dropped events are read back as a count")
    func dropped() throws {
        let monitor = JSONMonitor(bufferLimit: 5)
        let d = Deferred<Int>()
        monitor.track(d, label: "long")
        for _ in 0..<10 { d.addCallback { $0 + 1 } }
        try d.callback(0)
        let (log, _, _) = try Self.readBack(monitor)
        let marker = try #require(log.chains.first { $0.label == MonitorVocabulary.Message.dropped.rawValue })
        #expect(marker.spans.first?.startFields == [FieldLine(key: MonitorVocabulary.Field.count, value: String(monitor.droppedCount))])
    }
}
