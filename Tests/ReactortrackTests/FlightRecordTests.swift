import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The records of examples/flight-recorder, written on each trigger, on SIGUSR1 and by a call: eliot.parse reads
/// them as we do, every command reads them without a warning, and a chain cut by a record's start is never
/// reported as complete.
@Suite(
    "Flight records, read by eliot.parse and every command",
    .enabled(if: Oracle.python != nil, "needs REACTORTRACK_PYTHON (make test sets it)"))
struct FlightRecordTests {
    /// The records of one run of the example, made once per test process.
    private static let made: Result<[String], any Error> = Result {
        let directory = CommandRunner.temporaryPath("flight-records")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestProducts.path("flight-recorder-example"))
        process.arguments = [directory, "3"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Signalled once its first record is written (its signal watch is set up long before).
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, process.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            if names.contains(where: { $0.hasSuffix("-unhandled_error.out") }) { break }
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGUSR1)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failed(what: "the example exited \(process.terminationStatus)") }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".out") }
        return names.sorted().map { directory + "/" + $0 }
    }

    struct Failed: Error { let what: String }

    static func records() throws -> [String] { try made.get() }

    @Test("a record is written for each trigger, the signal and the call")
    func everyReason() throws {
        let names = try Self.records().map { URL(fileURLWithPath: $0).lastPathComponent }
        for reason in ["unhandled_error", "wait_cycle", "blocking_callback", "signal"] {
            #expect(names.contains { $0.hasPrefix("flight-") && $0.hasSuffix("-\(reason).out") }, "\(reason): \(names)")
        }
        #expect(names.contains("final.out"))
    }

    @Test("summary --json agrees with eliot.parse on every record")
    func eliotParseAgrees() throws {
        for record in try Self.records() {
            try Oracle.compare(log: record, facts: try Oracle.facts(of: record), name: record)
        }
    }

    @Test("every command reads every record, without a warning")
    func everyCommandReads() throws {
        for record in try Self.records() {
            let out = CommandRunner.temporaryPath("record")
            let commands: [[String]] = [
                ["tree", record], ["summary", record], ["top", "--once", record],
                ["render", record, "--view", "overview", "-o", out + ".svg"], ["render", record, "-o", out + ".html"],
                ["render", record, "--view", "overview", "-o", out + ".png"],
                ["render", record, "--failed", "-o", out + ".pdf"],
                ["export", record, "-o", out + ".json"], ["export", record, "--format", "otlp-json", "-o", out + ".otlp.json"],
            ]
            for arguments in commands {
                let result = try CommandRunner.run(arguments)
                let allowed: Set<Int32> = arguments.contains("--failed") ? [0, 1] : [0]
                #expect(allowed.contains(result.status), "\(arguments): \(result.stderr)")
                // A warning names the file and line; "wrote PATH" is all else a command may say there.
                let warnings = result.stderr.split(separator: "\n").filter { $0.hasPrefix(record + ":") }
                #expect(warnings.isEmpty, "\(arguments): \(result.stderr)")
            }
        }
    }

    @Test("a chain tracked before a record began is marked cut_at, and neither we nor eliot.parse call it complete")
    func cutChainsIncomplete() throws {
        var cutSeen = 0
        for record in try Self.records() {
            let lines = try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n")
            let cut = try lines.compactMap { line -> String? in
                let message = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
                guard message["action_type"] as? String == "reactortrack:deferred", message["cut_at"] != nil else { return nil }
                return message["task_uuid"] as? String
            }
            cutSeen += cut.count
            let result = try CommandRunner.run(["summary", "--json", record])
            let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let tasks = summary?["tasks"] as? [[String: Any]] ?? []
            for uuid in cut {
                let task = tasks.first { $0["task_uuid"] as? String == uuid }
                #expect(task?["complete"] as? Bool == false, "\(record): task \(uuid)")
            }
        }
        // The session, open all along, is cut in every record.
        #expect(cutSeen >= 5)
    }
}
