import Actions
import EventLog
import Foundation
import Monitor
import Testing

/// The streaming monitor loses nothing without a word: write failures are reported and counted, a line is written
/// whole or not at all, the backlog is bounded and its drops said in the log, the writer drains at exit, and a
/// killed program leaves only whole lines.
@Suite("The streaming monitor's writer")
struct StreamingWriterTests {
    static func path(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString)-\(name)").path
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
            if: ProcessInfo.processInfo.environment["REACTORTRACK_TSAN"] != nil,
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

    @Test("a full backlog drops events, counts them, and says so in the log with the interval")
    func boundedBacklog() throws {
        let out = Self.path("bounded.out")
        let (status, output) = try Self.probe([out, "--threads", "4", "--chains", "3000", "--backlog", "50"])
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

    @Test("killed with SIGKILL while streaming: every complete line parses and the log reads")
    func killed() throws {
        let out = Self.path("killed.out")
        let process = Process()
        process.executableURL = BuiltProducts.url(of: "stream-probe")
        process.arguments = [out, "--threads", "8", "--chains", "200000"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Killed mid-stream: once the writer has written a good part (polled, as a slow build starts slowly).
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning,
            ((try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0) < 200_000
        {
            Thread.sleep(forTimeInterval: 0.02)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let (lines, bad) = try Self.lines(out)
        #expect(bad == 0)
        #expect(lines.count > 1, "something was written before the kill")
        let summary = try BuiltProducts.run(BuiltProducts.url(of: "reactortrack"), ["summary", "--json", out])
        #expect(summary.status == 0)
    }
}
