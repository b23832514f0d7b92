import Actions
import Defer
import EventLog
import Foundation
import Monitor
import Testing
import TestSupport

struct Boom: Error, CustomStringConvertible {
    var description: String { "boom" }
}

extension JSONMonitor {
    /// The message types and statuses written into one chain's task, in order (for compact assertions).
    func story(of label: String) -> [String] {
        let messages = self.messages
        guard
            let task = messages.first(where: {
                $0.actionType == "reactortrack:deferred" && $0.fields["label"]?.stringValue == label
            })?.taskUUID
        else { return [] }
        return messages.filter { $0.taskUUID == task }.map { message in
            if let type = message.actionType {
                let name = message.fields["name"]?.stringValue.map { " \($0)" } ?? ""
                return "\(type)\(name) \(message.actionStatus?.rawValue ?? "?")"
            }
            return message.messageType ?? "?"
        }
    }
}

@Suite("JSONMonitor")
struct JSONMonitorTests {
    @Test("records additions, the firing and each run with its path and outcome")
    func recordsRuns() throws {
        let monitor = JSONMonitor()
        let d = Deferred<Int>()
        monitor.track(d, label: "chain")
        d.addCallback(label: "double") { $0 * 2 }
            .addCallback(label: "explode") { _ -> Int in throw Boom() }
            .addErrback(label: "recover") { _ in 7 }
        try d.callback(1)
        #expect(
            monitor.story(of: "chain") == [
                "reactortrack:deferred started", "reactortrack:added", "reactortrack:added", "reactortrack:added",
                "reactortrack:fired", "reactortrack:run double started", "reactortrack:run succeeded",
                "reactortrack:run explode started", "reactortrack:run failed", "reactortrack:run recover started",
                "reactortrack:run succeeded",
            ])
        let failed = try #require(monitor.messages.first { $0.actionStatus == .failed })
        #expect(failed.exception == "Boom")
        #expect(failed.reason == "boom")
        let recover = try #require(monitor.messages.first { $0.fields["name"]?.stringValue == "recover" })
        #expect(recover.fields["path"]?.stringValue == "error")
        #expect(recover.fields["input"]?.stringValue == "Boom: boom")
    }

    @Test("follows a returned deferred: waiting, resumed with the time waited, and the inner chain tracked")
    func followsReturnedDeferred() throws {
        let clock = ManualReactor()
        let monitor = JSONMonitor(followChained: true)
        let outer = Deferred<Int>()
        monitor.track(outer, label: "outer")
        outer.addCallback(label: "fetch") { _ in deferLater(clock, delay: 2) { 40 } }
            .addCallback(label: "add") { $0 + 2 }
        try outer.callback(0)
        clock.advance(by: 2)
        let story = monitor.story(of: "outer")
        #expect(
            story == [
                "reactortrack:deferred started", "reactortrack:added", "reactortrack:added", "reactortrack:fired",
                "reactortrack:run fetch started", "reactortrack:run succeeded", "reactortrack:waiting",
                "reactortrack:resumed", "reactortrack:run add started", "reactortrack:run succeeded",
            ])
        let chains = monitor.messages.filter { $0.actionType == "reactortrack:deferred" && $0.actionStatus == .started }
        #expect(chains.count == 2, "\(chains.map(\.fields))")
        let innerID = chains.first { $0.fields["tracked_by"]?.stringValue == "chained" }?.fields["deferred_id"]
        let waiting = try #require(monitor.messages.first { $0.messageType == "reactortrack:waiting" })
        #expect(waiting.fields["on"] == innerID)
        let resumed = try #require(monitor.messages.first { $0.messageType == "reactortrack:resumed" })
        #expect(resumed.fields["value"]?.stringValue == "40")
        // Waiting is measured in wall time, which the manual clock does not move: only that it was recorded.
        #expect(resumed.fields["waited"] != nil)
    }

    @Test("tracks the members of a deferredList when following chains")
    func followsAggregates() throws {
        let monitor = JSONMonitor(followChained: true)
        let members = (0..<3).map { _ in Deferred<Int>() }
        let list = gatherResults(members)
        monitor.track(list, label: "all")
        for (index, member) in members.enumerated() { try member.callback(index) }
        let chains = monitor.messages.filter { $0.actionType == "reactortrack:deferred" && $0.actionStatus == .started }
        #expect(chains.count == 4)
    }

    @Test("a released deferred ends its chain, and reports an unhandled failure first")
    func releaseEndsChain() throws {
        let monitor = JSONMonitor()
        let previous = UnhandledError.sink
        UnhandledError.sink = { _ in }
        defer { UnhandledError.sink = previous }
        do {
            let d = Deferred<Int>()
            monitor.track(d, label: "lost")
            try d.errback(Boom())
        }
        let story = monitor.story(of: "lost")
        #expect(story.suffix(2) == ["reactortrack:unhandled_error", "reactortrack:deferred failed"])
        let end = try #require(monitor.messages.last)
        #expect(end.fields["ended_by"]?.stringValue == "released")
        #expect(end.exception == "Boom")
    }

    @Test("an unfired chain stays open at dump; a fired, idle one is ended")
    func dumpEndsOnlyIdleChains() throws {
        let monitor = JSONMonitor()
        let pending = Deferred<Int>()
        let done = Deferred<Int>.succeeded(1)
        monitor.track(pending, label: "pending")
        monitor.track(done, label: "done")
        done.addCallback { $0 }
        let path = TestFixtures.scratch.appendingPathComponent("mon-\(UUID().uuidString).out").path
        try monitor.dump(to: path)
        let (messages, warnings) = try EventLogReader(path: path).readAll()
        #expect(warnings.isEmpty)
        let ends = messages.map(\.message).filter { $0.actionType == "reactortrack:deferred" && $0.actionStatus != .started }
        #expect(ends.count == 1)
        #expect(monitor.story(of: "pending") == ["reactortrack:deferred started"])
        #expect(messages.first?.message.messageType == EventLogFormat.headerMessageType)
        withExtendedLifetime(pending) {}
    }

    @Test("a full buffer drops new events, counts them, and says so in the output")
    func boundedBuffer() throws {
        let monitor = JSONMonitor(bufferLimit: 5)
        let d = Deferred<Int>()
        monitor.track(d, label: "long")
        for _ in 0..<10 { d.addCallback { $0 + 1 } }
        try d.callback(0)
        #expect(monitor.messages.count == 5)
        #expect(monitor.droppedCount > 0)
        let path = TestFixtures.scratch.appendingPathComponent("mon-\(UUID().uuidString).out").path
        try monitor.dump(to: path)
        let (messages, _) = try EventLogReader(path: path).readAll()
        let dropped = try #require(messages.first { $0.message.messageType == "reactortrack:dropped" })
        #expect(dropped.message.fields["count"]?.intValue == monitor.droppedCount)
    }

    @Test("streams to a file through the writer thread; stop() ends idle chains and flushes")
    func streaming() throws {
        let path = TestFixtures.scratch.appendingPathComponent("mon-\(UUID().uuidString).out").path
        let monitor = try JSONMonitor(streamingTo: path)
        let d = Deferred<Int>()
        monitor.track(d, label: "streamed")
        d.addCallback(label: "inc") { $0 + 1 }
        try d.callback(1)
        monitor.stop()
        let (messages, warnings) = try EventLogReader(path: path).readAll()
        #expect(warnings.isEmpty)
        let types = messages.map { $0.message.actionType ?? $0.message.messageType ?? "?" }
        #expect(
            types == [
                EventLogFormat.headerMessageType, "reactortrack:deferred", "reactortrack:added", "reactortrack:fired",
                "reactortrack:run", "reactortrack:run", "reactortrack:deferred",
            ])
        withExtendedLifetime(d) {}
    }

    @Test("tracking from several threads at once is safe (each deferred on its own thread)")
    func concurrentTracking() async throws {
        let monitor = JSONMonitor()
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<50 {
                        let d = Deferred<Int>()
                        monitor.track(d, label: "w\(worker)-\(index)")
                        d.addCallback { $0 + 1 }.addCallback { $0 * 2 }
                        try? d.callback(index)
                    }
                }
            }
        }
        let starts = monitor.messages.filter { $0.actionType == "reactortrack:deferred" && $0.actionStatus == .started }
        #expect(starts.count == 400)
        let runs = monitor.messages.filter { $0.actionType == "reactortrack:run" && $0.actionStatus == .started }
        #expect(runs.count == 800)
    }

    @Test("values are described briefly, whatever they are")
    func valueDescriptions() {
        #expect(ValueDescription.describe(()) == "None")
        #expect(ValueDescription.describe(42) == "42")
        let long = String(repeating: "x", count: 1000)
        #expect(ValueDescription.describe(long).count == ValueDescription.limit)
        #expect(ValueDescription.describe(long).hasSuffix("…"))
        #expect(ValueDescription.describe(Failure(Boom())) == "Boom: boom")
    }
}
