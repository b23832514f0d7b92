import Chains
import Export
import Foundation
import TestSupport
import Testing

/// The Chrome trace export, checked by a structural checker of our own (Perfetto's rules: required fields,
/// slices on a track nest, every flow has both ends bound to slices) and against the log's own timestamps.
@Suite("Chrome trace")
struct ChromeTraceTests {
    static let inputs = [
        "mon.out", "echo-service.out", "generated.log", "twisted-eliot.log", "waiting.out", "concurrent-clients.log",
    ]

    /// Every fixture under `Tests/Fixtures/` (files that are not logs fail to load and are skipped).
    static let everyInput: [String] = TestFixtures.all

    static func path(_ name: String) -> String { TestFixtures.path(name) }

    static func trace(_ name: String) throws -> [[String: Any]] {
        try trace(atPath: path(name))
    }

    static func trace(atPath path: String) throws -> [[String: Any]] {
        let log = try LogLoader().load([path])
        return try events(ChromeTrace.json(log.chains, inputs: log.inputs))
    }

    static func events(_ json: [UInt8]) throws -> [[String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        return try #require(object["traceEvents"] as? [[String: Any]])
    }

    static func problems(_ events: [[String: Any]]) -> [String] { ChromeTraceChecker.problems(events) }

    /// The log's lines, read with Foundation (not with the reader under test).
    static func lines(_ name: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path(name), encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test("the trace of every log under Tests/ passes the structural checker", arguments: everyInput)
    func structure(path: String) throws {
        // What is not a log (a script, an expected output, the empty log) fails to load: nothing to check.
        guard let events = try? Self.trace(atPath: path) else { return }
        #expect(events.count > 3)
        let problems = Self.problems(events)
        #expect(problems.isEmpty, "\(problems.count) problems: \(problems.prefix(10))")
    }

    @Test("the logs under Tests/ are found, the concurrent clients' among them")
    func everyInputFound() throws {
        let loaded = Self.everyInput.filter { (try? LogLoader().load([$0])) != nil }
        // Every log loads (the damaged ones with warnings), but the empty one, which holds no message.
        let logs = Self.everyInput.filter { path in
            [".out", ".log"].contains(where: path.hasSuffix) && !path.hasSuffix("/empty.log")
        }
        #expect(!logs.isEmpty && loaded == logs)
        #expect(loaded.contains { $0.hasSuffix("Fixtures/concurrent-clients.log") })
        #expect(loaded.contains { $0.hasSuffix("Fixtures/twisted-eliot.log") })
        #expect(loaded.contains { $0.hasSuffix("Fixtures/generated.log") })
    }

    @Test("the checker finds overlapping slices, a lone flow end and a missing field")
    func checkerFails() {
        let name: [String: Any] = ["ph": "M", "pid": 1, "tid": 1, "name": "thread_name", "args": ["name": "t"]]
        let overlapping: [[String: Any]] = [
            name, ["ph": "X", "pid": 1, "tid": 1, "name": "a", "ts": 0.0, "dur": 10.0],
            ["ph": "X", "pid": 1, "tid": 1, "name": "b", "ts": 5.0, "dur": 10.0],
        ]
        #expect(Self.problems(overlapping).contains { $0.contains("overlaps") })
        let loneEnd: [[String: Any]] = [
            name, ["ph": "X", "pid": 1, "tid": 1, "name": "a", "ts": 0.0, "dur": 10.0],
            ["ph": "f", "bp": "e", "pid": 1, "tid": 1, "name": "l", "id": 7, "ts": 5.0],
        ]
        #expect(Self.problems(loneEnd).contains { $0.contains("0 starts") })
        #expect(!Self.problems([name, ["ph": "X", "pid": 1, "tid": 1, "ts": 0.0, "dur": 1.0]]).isEmpty)
    }

    @Test("each run, action and message is at its time in the log", arguments: inputs)
    func timestamps(input: String) throws {
        let events = try Self.trace(input)
        var slices = Set<String>()
        var instants = Set<String>()
        for event in events {
            guard let name = event["name"] as? String, let ts = event["ts"] as? Double else { continue }
            // Within a microsecond: two JSON readers may read the same decimal a bit apart.
            for t in [Int(ts) - 1, Int(ts), Int(ts) + 1] {
                if event["ph"] as? String == "X" { slices.insert("\(name)@\(t)") }
                if event["ph"] as? String == "i" { instants.insert("\(name)@\(t)") }
            }
        }
        var checked = 0
        for line in try Self.lines(input) {
            guard let timestamp = line["timestamp"] as? Double else { continue }
            let micros = Int((timestamp * 1e6).rounded())
            if line["action_type"] as? String == "reactortrack:run", line["action_status"] as? String == "started",
                let name = line["name"] as? String
            {
                #expect(slices.contains("\(name)@\(micros)"), "run \(name) at \(micros)")
                checked += 1
            } else if let type = line["action_type"] as? String, !type.hasPrefix("reactortrack:"),
                line["action_status"] as? String == "started"
            {
                #expect(slices.contains("\(type)@\(micros)"), "action \(type) at \(micros)")
                checked += 1
            } else if let type = line["message_type"] as? String, !type.hasPrefix("reactortrack:") {
                #expect(instants.contains("\(type)@\(micros)"), "message \(type) at \(micros)")
                checked += 1
            }
        }
        #expect(checked > 0)
    }

    @Test("the seed's chainDeferred link is a flow from d's track to d2's")
    func seedFlow() throws {
        let events = try Self.trace("mon.out")
        let names = Dictionary(
            events.filter { $0["name"] as? String == "thread_name" }.compactMap { e -> (Int, String)? in
                guard let tid = e["tid"] as? Int, let name = (e["args"] as? [String: Any])?["name"] as? String else {
                    return nil
                }
                return (tid, name)
            }, uniquingKeysWith: { a, _ in a })
        let start = try #require(events.first { $0["ph"] as? String == "s" })
        let end = try #require(events.first { $0["ph"] as? String == "f" })
        #expect(start["name"] as? String == "chained")
        #expect(names[start["tid"] as? Int ?? 0] == "d #1")
        #expect(names[end["tid"] as? Int ?? 0] == "d2 #2")
        let problem = try #require(events.first { $0["name"] as? String == "problem" })
        #expect(((problem["args"] as? [String: Any])?["exception"] as? String)?.contains("Problem") == true)
    }
}
