import Chains
import Export
import Foundation
import Testing

/// The Chrome trace export, checked by a structural checker of our own (Perfetto's rules: required fields,
/// slices on a track nest, every flow has both ends bound to slices) and against the log's own timestamps.
@Suite("Chrome trace")
struct ChromeTraceTests {
    static let inputs = ["mon.out", "echo-service.out", "generated.log", "twisted-eliot.log", "waiting.out"]

    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Inputs/\(name)").path
    }

    static func trace(_ name: String) throws -> [[String: Any]] {
        let log = try LogLoader().load([path(name)])
        let json = ChromeTrace.json(log.chains, inputs: log.inputs)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        return try #require(object["traceEvents"] as? [[String: Any]])
    }

    /// The log's lines, read with Foundation (not with the reader under test).
    static func lines(_ name: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path(name), encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    struct Track: Hashable {
        var pid: Int
        var tid: Int
    }

    /// What is wrong with `events` as a trace Perfetto reads; empty when nothing is.
    static func problems(_ events: [[String: Any]]) -> [String] {
        var problems: [String] = []
        var named = Set<Track>()
        var slices: [Track: [(start: Double, end: Double)]] = [:]
        var flows: [Int: (starts: [(Track, Double)], ends: [(Track, Double)])] = [:]
        for (i, event) in events.enumerated() {
            guard let ph = event["ph"] as? String, let pid = event["pid"] as? Int, let tid = event["tid"] as? Int else {
                problems.append("event \(i): no ph, pid or tid")
                continue
            }
            let track = Track(pid: pid, tid: tid)
            if ph == "M" {
                guard event["name"] is String, event["args"] is [String: Any] else {
                    problems.append("event \(i): metadata without name or args")
                    continue
                }
                if event["name"] as? String == "thread_name" { named.insert(track) }
                continue
            }
            guard let ts = event["ts"] as? Double, ts.isFinite, event["name"] is String else {
                problems.append("event \(i) (\(ph)): no ts or name")
                continue
            }
            switch ph {
            case "X":
                guard let dur = event["dur"] as? Double, dur >= 0 else {
                    problems.append("event \(i): a complete event without a duration")
                    continue
                }
                slices[track, default: []].append((ts, ts + dur))
            case "i":
                if event["s"] as? String != "t" { problems.append("event \(i): an instant not scoped to its thread") }
            case "s", "f":
                guard let id = event["id"] as? Int else {
                    problems.append("event \(i): a flow without an id")
                    continue
                }
                if ph == "s" { flows[id, default: ([], [])].starts.append((track, ts)) }
                else {
                    if event["bp"] as? String != "e" { problems.append("event \(i): a flow end not bound to its slice") }
                    flows[id, default: ([], [])].ends.append((track, ts))
                }
            default:
                problems.append("event \(i): unexpected ph \(ph)")
            }
            if !named.contains(track) { problems.append("event \(i): track \(pid)/\(tid) has no thread_name before it") }
        }
        // Slices on one track nest: sorted by start (longest first on ties), each lies inside the open slice or
        // after it.
        for (track, list) in slices {
            var open: [Double] = []
            for slice in list.sorted(by: { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }) {
                while let top = open.last, top <= slice.start { open.removeLast() }
                if let top = open.last, slice.end > top {
                    problems.append("track \(track.pid)/\(track.tid): slice \(slice) overlaps one ending at \(top)")
                }
                open.append(slice.end)
            }
        }
        // Every flow has one start and one end, each at a time inside a slice of its track.
        func bound(_ track: Track, _ ts: Double) -> Bool {
            slices[track, default: []].contains { $0.start <= ts && ts <= $0.end }
        }
        for (id, flow) in flows {
            if flow.starts.count != 1 || flow.ends.count != 1 {
                problems.append("flow \(id): \(flow.starts.count) starts, \(flow.ends.count) ends")
                continue
            }
            if !bound(flow.starts[0].0, flow.starts[0].1) { problems.append("flow \(id): its start is in no slice") }
            if !bound(flow.ends[0].0, flow.ends[0].1) { problems.append("flow \(id): its end is in no slice") }
        }
        return problems
    }

    @Test("every trace passes the structural checker", arguments: inputs)
    func structure(input: String) throws {
        let events = try Self.trace(input)
        #expect(events.count > 3)
        let problems = Self.problems(events)
        #expect(problems.isEmpty, "\(problems.prefix(10))")
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
        var slices = Set<String>(), instants = Set<String>()
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
                guard let tid = e["tid"] as? Int, let name = (e["args"] as? [String: Any])?["name"] as? String else { return nil }
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
