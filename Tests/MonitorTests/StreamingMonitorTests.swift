import Actions
import EventLog
import Foundation
import Monitor
import TestSupport
import Testing

/// The streaming monitor loses nothing without a word: write failures are reported and counted, a line is written
/// whole or not at all, the backlog is bounded and its drops said in the log, the writer drains at exit, and a
/// killed program leaves only whole lines.
@Suite("The streaming monitor's writer")
struct StreamingMonitorTests {
    static func path(_ name: String) -> String {
        TestFixtures.scratch.appendingPathComponent("stream-\(UUID().uuidString)-\(name)").path
    }

    /// Runs the probe through bash (for `ulimit`), returning its status and output.
    static func probe(_ arguments: [String], shell prefix: String = "") throws -> (status: Int32, output: String) {
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        let probe = BuiltProducts.url(of: "stream-probe").path
        return try BuiltProducts.run(URL(fileURLWithPath: "/bin/bash"), ["-c", "\(prefix) exec '\(probe)' \(quoted)"])
    }

    /// The lines of a file, and how many of them are not JSON objects (a last line without its newline is not
    /// counted: a killed writer may leave it).
    static func lines(_ path: String) throws -> (lines: [Data], bad: Int) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).map { Data($0) }
        if data.last == 0x0A || data.isEmpty { lines.removeLast() } else { lines.removeLast() }
        let bad = lines.filter { (try? JSONSerialization.jsonObject(with: $0)) as? [String: Any] == nil }.count
        return (lines, bad)
    }

    @Test("dump(to:) on a streaming monitor is an error, and the streamed file is untouched")
    func dumpIsMisuse() throws {
        let streamed = Self.path("mon.out")
        let monitor = try JSONMonitor(streamingTo: streamed)
        let error = #expect(throws: ActionError.self) { try monitor.dump(to: streamed) }
        #expect(error?.code == .misuse)
        let before = try Data(contentsOf: URL(fileURLWithPath: streamed))
        #expect(!before.isEmpty)
        monitor.stop()
    }

    @Test(
        "a file that stops taking lines: the loss is counted and reported, and no line is cut or glued",
        .disabled(
            if: TestProcess.underThreadSanitizer,
            "file-size limits crash the thread sanitizer's runtime"))
    func writeFailure() throws {
        let out = Self.path("full.out")
        // The file may grow to 64 KiB; the signal for going past it is ignored, so writes fail with EFBIG.
        let (status, output) = try Self.probe([out, "--threads", "4", "--chains", "2000"], shell: "trap '' XFSZ; ulimit -f 64;")
        #expect(status == 0, "\(output)")
        let numbers = output.split(separator: " ")
        let written = Int(numbers.dropFirst(1).first ?? "") ?? -1
        let lost = Int(numbers.dropFirst(3).first ?? "") ?? -1
        #expect(lost > 0 && written > 0, "\(output)")
        #expect(output.contains("File too large"), "the error is reported: \(output)")
        let (lines, bad) = try Self.lines(out)
        #expect(bad == 0)
        // The header, every line counted as written, and the dropped-events notes that fitted in after a failure.
        let notes = lines.filter { String(decoding: $0, as: UTF8.self).contains(MonitorVocabulary.Message.dropped.rawValue) }
        #expect(lines.count == written + 1 + notes.count, "every line counted as written is in the file, whole")
    }

    @Test("a full backlog holds the producers while the writer catches up: nothing is lost")
    func backpressure() throws {
        let out = Self.path("held.out")
        defer { try? FileManager.default.removeItem(atPath: out) }
        // 64 KiB of backlog, about 1,500 events, against 4 × 3,000 chains × 9 events flat out.
        let (status, output) = try Self.probe(
            [out, "--threads", "4", "--chains", "3000", "--backlog", "65536", "--wait-ms", "10000"])
        #expect(status == 0, "\(output)")
        #expect(output.hasPrefix("written 108000 lost 0 "), "\(output)")
        let (lines, bad) = try Self.lines(out)
        #expect(bad == 0 && lines.count == 108_001)
    }

    @Test("a backlog still full after the wait drops events, counts them, and says so in the log with the interval")
    func boundedBacklog() throws {
        let out = Self.path("bounded.out")
        let (status, output) = try Self.probe(
            [out, "--threads", "4", "--chains", "3000", "--backlog", "50", "--wait-ms", "0"])
        #expect(status == 0, "\(output)")
        let lost = Int(output.split(separator: " ").dropFirst(3).first ?? "") ?? -1
        #expect(lost > 0, "\(output)")
        let (lines, bad) = try Self.lines(out)
        #expect(bad == 0)
        let markers = lines.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
            .filter { $0["message_type"] as? String == MonitorVocabulary.Message.dropped.rawValue }
        let said = markers.compactMap { $0[MonitorVocabulary.Field.count] as? Int }.reduce(0, +)
        #expect(said == lost, "every dropped event is said in the log")
        #expect(markers.allSatisfy { $0[MonitorVocabulary.Field.since] is Double && $0[MonitorVocabulary.Field.until] is Double })
    }

    @Test("a program that returns without stop() has its events written at exit")
    func drainAtExit() throws {
        let out = Self.path("exit.out")
        let (status, output) = try Self.probe([out, "--threads", "4", "--chains", "100", "--no-stop"])
        #expect(status == 0, "\(output)")
        let (lines, bad) = try Self.lines(out)
        #expect(bad == 0)
        // 4 × 500 chains of 9 lines each (start, 2 added, fired, 2 runs of 2 lines, and the end when the Deferred
        // is released at the end of its loop turn), and the header.
        #expect(lines.count == 4 * 100 * 9 + 1, "\(lines.count) lines")
    }

    @Test("killed with SIGKILL while streaming from 8 threads: whole lines, no gaps, at most the last 100 ms missing")
    func killed() throws {
        let out = Self.path("killed.out")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let process = Process()
        process.executableURL = BuiltProducts.url(of: "stream-probe")
        // A moderate rate: 8 threads × 200 chains/s × 9 events, about 14,000 events/s (the tests run a debug build,
        // beside other tests).
        process.arguments = [out, "--threads", "8", "--chains", "1000000", "--rate", "200"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Killed mid-stream, right after the file was seen growing (the writer is at work), once it holds a
        // good part (polled, as a slow build starts slowly).
        func size() -> Int { (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0 }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning, size() < 300_000 { Thread.sleep(forTimeInterval: 0.01) }
        let before = size()
        while Date() < deadline, process.isRunning, size() == before { Thread.sleep(forTimeInterval: 0.001) }
        let killedAt = Date().timeIntervalSince1970
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        let (lines, bad) = try Self.lines(out)
        #expect(bad == 0, "every complete line parses")
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        // Each thread's chains are t<thread>-<i>, started in order: those in the file must be 0..<n, no gaps.
        var started: [String: [Int]] = [:]
        for object in objects {
            guard let label = object[MonitorVocabulary.Field.label] as? String else { continue }
            let parts = label.dropFirst().split(separator: "-")
            guard parts.count == 2, let i = Int(parts[1]) else { continue }
            started[String(parts[0]), default: []].append(i)
        }
        #expect(started.count == 8)
        for (thread, indices) in started {
            #expect(indices.sorted() == Array(0..<indices.count), "thread \(thread): a chain is missing mid-stream")
        }
        // The newest event written is within 100 ms of the kill: at most the last 100 ms were lost.
        let newest = objects.compactMap { $0["timestamp"] as? Double }.max() ?? 0
        // (Not under the thread sanitizer, which slows the writer tenfold.)
        if !TestProcess.underThreadSanitizer {
            #expect(killedAt - newest <= 0.1, "the last \(killedAt - newest) s before the kill were lost")
        }

        // The complete lines read as a log: with reactortrack, and with eliot.parse and eliot-tree.
        let whole = Self.path("killed-whole.out")
        defer { try? FileManager.default.removeItem(atPath: whole) }
        try Data(lines.map { $0 + Data([0x0A]) }.joined()).write(to: URL(fileURLWithPath: whole))
        let summary = try BuiltProducts.run(BuiltProducts.url(of: "reactortrack"), ["summary", "--json", out])
        #expect(summary.status == 0)
        if let python = BuiltProducts.python {
            // eliot.parse builds every task; those the kill cut short are incomplete (exit 4), nothing worse.
            let validator = BuiltProducts.repositoryRoot.appendingPathComponent("scripts/validate_eliot_log.py")
            let validated = try BuiltProducts.run(python, [validator.path, whole])
            #expect([0, 4].contains(validated.status), "\(validated.output.prefix(2000))")
            let eliotTree = python.deletingLastPathComponent().appendingPathComponent("eliot-tree")
            #expect(try BuiltProducts.run(eliotTree, ["--color=never", whole]).status == 0)
        }
    }
}
