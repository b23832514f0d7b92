import Foundation
import TestSupport
import Testing

/// Our figures against the reference reader: logs written by real Python Eliot (`Oracle/make_oracle_logs.py`,
/// seeded) and the facts real `eliot.parse` computes from them, compared task by task with `summary --json`.
@Suite("eliot.parse as the oracle", .enabled(if: Oracle.python != nil, "needs REACTORTRACK_PYTHON (make test sets it)"))
struct OracleTests {
    @Test("summary --json agrees with eliot.parse on every task and every total", arguments: Oracle.logNames)
    func summaryAgrees(name: String) throws {
        let oracle = try Oracle.generated()
        try Oracle.compare(log: oracle.log(name), facts: try oracle.facts(name), name: name)
    }
}

/// The generated logs and facts, made once per test process.
enum Oracle {
    /// Compares `summary --json` on `log` with eliot.parse's `facts` of it, task by task and in total.
    static func compare(log: String, facts: [String: Any], name: String) throws {
        let result = try CommandRunner.run(["summary", "--json", log])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(summary["schema"] as? Int == 2)
        let ours = try #require(summary["tasks"] as? [[String: Any]])
        // A monitor log's format header is a task to eliot.parse and no chain to us: it is left out of the counts.
        let theirs = try #require(facts["tasks"] as? [[String: Any]]).filter {
            $0["root_type"] as? String != "reactortrack:format"
        }
        #expect(ours.map { $0["task_uuid"] as? String } == theirs.map { $0["task_uuid"] as? String }, "same tasks, same order")
        let byUUID = Dictionary(ours.map { ($0["task_uuid"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        for expected in theirs {
            let uuid = expected["task_uuid"] as? String ?? "?"
            guard let task = byUUID[uuid] else {
                Issue.record("\(name): task \(uuid) missing from summary --json")
                continue
            }
            let what = "\(name) task \(uuid) (\(expected["root_type"] as? String ?? "?"))"
            for key in ["root_type", "status"] {
                #expect(Oracle.text(task[key]) == Oracle.text(expected[key]), "\(what): \(key)")
            }
            for key in ["complete"] { #expect(task[key] as? Bool == expected[key] as? Bool, "\(what): \(key)") }
            for key in ["messages", "traceback_messages"] {
                #expect(task[key] as? Int == expected[key] as? Int, "\(what): \(key)")
            }
            for key in ["start", "end", "duration"] {
                #expect(Oracle.close(task[key], expected[key]), "\(what): \(key) \(task[key] ?? "nil") vs \(expected[key] ?? "nil")")
            }
            for key in ["failed_actions", "open_actions"] {
                let a = (task[key] as? [[String: Any]] ?? []).map(Oracle.action)
                let b = (expected[key] as? [[String: Any]] ?? []).map(Oracle.action)
                #expect(a == b, "\(what): \(key)")
            }
        }
        let totals = try #require(facts["totals"] as? [String: Any])
        let headers = (totals["tasks"] as? Int ?? 0) - theirs.count
        #expect(summary["chains"] as? Int == (totals["tasks"] as? Int).map { $0 - headers })
        #expect(summary["complete"] as? Int == (totals["complete"] as? Int).map { $0 - headers })
        #expect(summary["incomplete"] as? Int == totals["incomplete"] as? Int)
        #expect(summary["failed_actions"] as? Int == totals["failed_actions"] as? Int)
        #expect(summary["traceback_messages"] as? Int == totals["traceback_messages"] as? Int)
        let statuses = summary["statuses"] as? [String: Int] ?? [:]
        for (status, count) in totals["by_status"] as? [String: Int] ?? [:] {
            let expected = status == "message" ? count - headers : count
            #expect((statuses[status] ?? 0) == expected, "\(name): tasks with status \(status)")
        }
        // The per-type table counts the actions below each root that ended (one that never ended is no call of
        // 0 s), as eliot.parse's trees have them.
        let table = try CommandRunner.run(["summary", "--json", "--top", "1000", log])
        let rows = try #require(
            (try JSONSerialization.jsonObject(with: Data(table.stdout.utf8)) as? [String: Any])?["slowest_callbacks"]
                as? [[String: Any]])
        var ended: [String: Int] = [:]
        for task in theirs {
            for node in task["nodes"] as? [[String: Any]] ?? [] where node["kind"] as? String == "action" {
                // A call is timed from its start to its end: one whose start is not in the log (cut by a flight
                // record) has no time to rank by, and is not in the table.
                guard (node["depth"] as? Int ?? 0) > 0, node["end_fields"] is [String: Any],
                    let start = node["start_fields"] as? [String: Any]
                else { continue }
                // A monitor's run is counted by its callback's name.
                var type = node["type"] as? String ?? "?"
                if type == "reactortrack:run" { type = start["name"] as? String ?? "<callback>" }
                ended[type, default: 0] += 1
            }
        }
        let calls = Dictionary(rows.map { ($0["name"] as? String ?? "?", $0["calls"] as? Int ?? -1) }, uniquingKeysWith: +)
        #expect(calls == ended, "\(name): calls per action type")
        // Percentiles are over the complete tasks only.
        let completeDurations = theirs.compactMap { $0["duration"] as? Double }
        let durations = try #require(summary["durations"] as? [String: Any])
        #expect(durations["count"] as? Int == completeDurations.count)
        if let max = completeDurations.max() { #expect(Oracle.close(durations["max"], max)) }
    }

    /// eliot.parse's facts of any log (the script's `--facts` mode).
    static func facts(of log: String) throws -> [String: Any] {
        let out = log + ".facts.json"
        let run = try TestProcess.run(python ?? "/usr/bin/python3", [script, "--facts", log, out], timeLimit: 120)
        guard run.status == 0 else { throw OracleFailure(status: run.status) }
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static let logNames = ["nested", "interleaved", "damaged-open"]

    static let python = ProcessInfo.processInfo.environment["REACTORTRACK_PYTHON"]

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Oracle/make_oracle_logs.py").path

    struct Output: Sendable {
        let folder: String
        func log(_ name: String) -> String { folder + "/\(name).log" }
        func facts(_ name: String) throws -> [String: Any] {
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/\(name).facts.json"))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
    }

    private static let made: Result<Output, any Error> = Result {
        let folder = CommandRunner.temporaryPath("oracle")
        let run = try TestProcess.run(python ?? "/usr/bin/python3", [script, folder], timeLimit: 600)
        guard run.status == 0 else { throw OracleFailure(status: run.status) }
        return Output(folder: folder)
    }

    struct OracleFailure: Error { let status: Int32 }

    static func generated() throws -> Output { try made.get() }

    static func text(_ value: Any?) -> String? { value as? String }

    /// Equal within 1 µs, or both null.
    static func close(_ a: Any?, _ b: Any?) -> Bool {
        switch (a as? Double, b as? Double) {
        case (nil, nil): (a == nil || a is NSNull) && (b == nil || b is NSNull)
        case (let x?, let y?): abs(x - y) <= 1e-6
        default: false
        }
    }

    static func action(_ a: [String: Any]) -> String {
        let level = (a["task_level"] as? [Int] ?? []).map(String.init).joined(separator: "/")
        return "\(a["action_type"] as? String ?? "nil") /\(level) \(a["exception"] as? String ?? "nil") \(a["reason"] as? String ?? "nil")"
    }
}
