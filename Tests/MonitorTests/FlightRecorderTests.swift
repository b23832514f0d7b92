import Actions
import Chains
import Defer
import EventLog
import Foundation
import Monitor
import Testing

#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// The flight recorder: bounded, always on, and written as an ordinary log in which a chain tracked before the
/// record began is marked as cut and never reads as complete.
@Suite("Flight recorder")
struct FlightRecorderTests {
    struct Boom: Error {}

    static func directory() throws -> URL {
        let url = TestFixtures.scratch.appendingPathComponent("flight-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `count` short chains: each tracked, given one callback, fired (four events each).
    static func churn(_ monitor: JSONMonitor, count: Int, label: String = "short") throws {
        for i in 0..<count {
            let d = Deferred<Int>()
            monitor.track(d, label: "\(label) \(i)")
            d.addCallback(label: "step") { $0 + 1 }
            try d.callback(i)
        }
    }

    /// The messages of a record file, header first.
    static func messages(_ path: String) throws -> [EventMessage] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return EventLogReader(bytes: Array(data)).readAll().messages.map(\.message)
    }

    @Test("it keeps the most recent events, at most its bound, and lets the oldest chains go whole")
    func bounded() throws {
        let monitor = JSONMonitor(flightRecorder: FlightRecorder(events: 2_048))
        try Self.churn(monitor, count: 5_000)
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("record.out").path
        try monitor.dumpFlightRecord(to: path)
        let messages = try Self.messages(path)
        let header = try #require(messages.first)
        #expect(header.messageType == MonitorVocabulary.Message.format.rawValue)
        #expect(header.fields[MonitorVocabulary.Field.flightRecord]?.stringValue == "call")
        #expect(header.fields[MonitorVocabulary.Field.cutAt]?.doubleValue != nil)
        // Seven eighths of the bound at least, the bound at most (each chain's start carried at most once more).
        #expect(messages.count - 1 <= 2_048 + 1, "\(messages.count)")
        #expect(messages.count - 1 >= 2_048 * 7 / 8, "\(messages.count)")
        let labels = Set(messages.compactMap { $0.fields["label"]?.stringValue })
        #expect(labels.contains("short 4999"))
        #expect(!labels.contains("short 0"))
    }

    @Test("a chain tracked before the record began is written with cut_at and read as incomplete, never complete")
    func cutChains() throws {
        let clock = ManualReactor()
        let monitor = JSONMonitor(flightRecorder: FlightRecorder(events: 1_024), clock: clock)
        let early = Deferred<Int>()
        monitor.track(early, label: "early")
        early.addCallback(label: "first") { $0 * 2 }
        let stuck = Deferred<Int>()
        monitor.track(stuck, label: "stuck")
        stuck.addCallback(label: "never") { $0 }
        // Tracked and nothing more: when its start goes, nothing else of it does, and it is written whole.
        let idle = Deferred<Int>()
        monitor.track(idle, label: "idle")
        clock.advance(by: 1)
        try Self.churn(monitor, count: 2_000)
        clock.advance(by: 1)
        early.addCallback(label: "second") { $0 + 1 }
        try early.callback(20)

        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("record.out").path
        try monitor.dumpFlightRecord(to: path)
        let messages = try Self.messages(path)
        let starts = messages.filter { $0.actionType == MonitorVocabulary.deferredAction && $0.actionStatus == .started }
        let cut = starts.filter { $0.fields[MonitorVocabulary.Field.cutAt] != nil }
        // Both, and at most a short chain that straddles the cut.
        let cutLabels = cut.compactMap { $0.fields["label"]?.stringValue }
        #expect(cutLabels.count <= 3 && cutLabels.filter { $0.hasPrefix("short") }.count <= 1, "\(cutLabels)")
        #expect(Set(cutLabels).isSuperset(of: ["early", "stuck"]))
        #expect(starts.contains { $0.fields["label"]?.stringValue == "idle" } && !cutLabels.contains("idle"))
        // Their starts keep their own times, before the cut.
        for start in cut {
            #expect(try #require(start.timestamp) <= (start.fields[MonitorVocabulary.Field.cutAt]?.doubleValue ?? 0))
        }

        let log = try LogLoader().load([path])
        #expect(log.warnings.isEmpty, "\(log.warnings)")
        let chains = Dictionary(log.chains.map { ($0.label, $0) }, uniquingKeysWith: { a, _ in a })
        let earlyChain = try #require(chains["early"])
        #expect(earlyChain.cutAt != nil)
        #expect(!earlyChain.isComplete)
        // What the record holds of it: both runs, named and with their inputs, though the first pair was added
        // before the cut.
        #expect(earlyChain.runs.map(\.name) == ["first", "second"])
        #expect(earlyChain.runs.first?.input == "20" && earlyChain.runs.last?.input == "40")
        #expect(chains["stuck"].map { $0.cutAt != nil && !$0.isComplete } == true)
        #expect(chains["idle"]?.cutAt == nil)
        #expect(chains["short 1999"]?.cutAt == nil)

        let reactortrack = BuiltProducts.url(of: "reactortrack")
        let tree = try BuiltProducts.run(reactortrack, ["tree", "--color", "never", path])
        #expect(tree.output.contains("✂ tracked before the flight record began: its events up to +1.00 s are not in it"), "\(tree.output.prefix(2_000))")
        let json = try BuiltProducts.run(reactortrack, ["summary", "--json", path])
        let summary = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        let tasks = summary?["tasks"] as? [[String: Any]] ?? []
        let cutIDs = Set(cut.map(\.taskUUID))
        let cutTasks = tasks.filter { cutIDs.contains($0["task_uuid"] as? String ?? "") }
        #expect(cutTasks.count == cut.count && cutTasks.allSatisfy { ($0["complete"] as? Bool) == false }, "\(cutTasks)")
        // top says what it knows: the stuck chain is cut, not "not fired" (it may have fired before the cut).
        let top = try BuiltProducts.run(reactortrack, ["top", "--once", "--json", path])
        let snapshot = try JSONSerialization.jsonObject(with: Data(top.output.utf8)) as? [String: Any]
        let rows = snapshot?["in_flight"] as? [[String: Any]] ?? []
        let states = Dictionary(rows.map { ($0["title"] as? String ?? "", $0["state"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(states["stuck #2"] == "cut" && states["idle #3"] == "not fired", "\(states)")
    }

    @Test("with a window, only about the last window of events is kept")
    func window() throws {
        let clock = ManualReactor()
        let monitor = JSONMonitor(
            flightRecorder: FlightRecorder(events: 1_000_000, window: .seconds(8)), clock: clock)
        for second in 0..<40 {
            try Self.churn(monitor, count: 10, label: "at \(second)")
            clock.advance(by: 1)
        }
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("record.out").path
        try monitor.dumpFlightRecord(to: path)
        let labels = Set(try Self.messages(path).compactMap { $0.fields["label"]?.stringValue })
        #expect(labels.contains("at 39 9"))
        #expect(labels.contains("at 32 0"))
        // At most a window and one step of it before the last event.
        #expect(!labels.contains { $0.hasPrefix("at 29 ") || $0.hasPrefix("at 2 ") }, "\(labels.sorted().prefix(5))")
    }

    @Test("an unhandled error writes a record into the directory, once per minimum interval")
    func unhandledTrigger() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let monitor = JSONMonitor(
            flightRecorder: FlightRecorder(
                directory: dir.path, triggers: .unhandledError, minimumInterval: .seconds(3_600)))
        let previous = UnhandledError.sink
        UnhandledError.sink = { _ in }
        defer { UnhandledError.sink = previous }
        try Self.churn(monitor, count: 10)
        for _ in 0..<2 {
            let d = Deferred<Int>()
            monitor.track(d, label: "lost")
            try d.errback(Boom())
        }
        monitor.waitForFlightRecords()
        let report = try #require(monitor.flightReport)
        #expect(report.written.count == 1 && report.skipped == 1, "\(report)")
        let path = try #require(report.written.first)
        #expect(path.hasPrefix(dir.path + "/flight-") && path.hasSuffix("-unhandled_error.out"))
        let messages = try Self.messages(path)
        #expect(messages.first?.fields[MonitorVocabulary.Field.flightRecord]?.stringValue == "unhandled_error")
        #expect(messages.contains { $0.messageType == MonitorVocabulary.Message.unhandledError.rawValue })
        monitor.stop()
    }

    @Test("a callback that holds its thread past the threshold writes a record")
    func blockingTrigger() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clock = ManualReactor()
        let monitor = JSONMonitor(
            flightRecorder: FlightRecorder(directory: dir.path, triggers: .blockingCallback), clock: clock)
        let quick = Deferred<Int>()
        monitor.track(quick, label: "quick")
        quick.addCallback(label: "fast") { $0 }
        try quick.callback(1)
        monitor.waitForFlightRecords()
        #expect(monitor.flightReport?.written.isEmpty == true)
        let slow = Deferred<Int>()
        monitor.track(slow, label: "slow")
        slow.addCallback(label: "sleeps") { value -> Int in
            clock.advance(by: 0.25)
            return value
        }
        try slow.callback(1)
        monitor.waitForFlightRecords()
        let path = try #require(monitor.flightReport?.written.first)
        #expect(path.hasSuffix("-blocking_callback.out"))
        let log = try LogLoader().load([path])
        let run = log.chains.first { $0.label == "slow" }?.runs.first
        #expect(run.flatMap { run in run.end.flatMap { end in run.start.map { end - $0 } } } == 0.25)
        monitor.stop()
    }

    @Test("a wait cycle is written as it closes, and writes a record")
    func waitCycleTrigger() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let monitor = JSONMonitor(flightRecorder: FlightRecorder(directory: dir.path, triggers: .waitCycle))
        let a = Deferred<Int>()
        let b = Deferred<Int>()
        monitor.track(a, label: "a")
        monitor.track(b, label: "b")
        a.addCallback { _ in b }
        b.addCallback { _ in a }
        try a.callback(1)
        try b.callback(2)
        monitor.waitForFlightRecords()
        let path = try #require(monitor.flightReport?.written.first)
        #expect(path.hasSuffix("-wait_cycle.out"))
        let chains = Dictionary(try LogLoader().load([path]).chains.map { ($0.label, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(chains["a"]?.waitCycle == [1, 2, 1])
        #expect(chains["b"]?.waitCycle == [2, 1, 2])
        // Stopping does not say the cycle twice.
        let end = dir.appendingPathComponent("end.out").path
        try monitor.dump(to: end)
        let cycles = try Self.messages(end).filter { $0.messageType == MonitorVocabulary.Message.waitCycle.rawValue }
        #expect(cycles.count == 2)
        monitor.stop()
    }

    @Test("the signal it is given writes a record")
    func signalWritesRecord() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let monitor = JSONMonitor(flightRecorder: FlightRecorder(directory: dir.path, signal: SIGUSR2, triggers: []))
        try Self.churn(monitor, count: 3)
        kill(getpid(), SIGUSR2)
        // The signal is handled on a queue of its own: wait for its record.
        let deadline = Date().addingTimeInterval(10)
        while monitor.flightReport?.written.isEmpty == true, Date() < deadline {
            monitor.waitForFlightRecords()
            usleep(10_000)
        }
        let path = try #require(monitor.flightReport?.written.first)
        #expect(path.hasSuffix("-signal.out"))
        #expect(try Self.messages(path).contains { $0.fields["label"]?.stringValue == "short 2" })
        monitor.stop()
    }

    @Test("dumpFlightRecord on a monitor without a flight recorder is a misuse")
    func misuse() {
        let monitor = JSONMonitor()
        #expect(throws: ActionError.self) { try monitor.dumpFlightRecord(to: "unused.out") }
    }
}
