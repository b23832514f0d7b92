import Chains
import Export
import Foundation
import Testing

/// Tracks and flows of the Chrome trace: concurrent Eliot actions side by side on tracks of their own, names a
/// user can tell apart, flow arrows at the moment a link takes effect; and the checker's own teeth.
@Suite("Chrome trace tracks and flows")
struct ChromeTraceTrackTests {
    typealias Base = ChromeTraceTests

    static func slice(
        _ name: String, tid: Int = 1, _ ts: Double, _ dur: Double, cat: String = "action",
        level: String? = nil, actionLevel: String? = nil
    ) -> [String: Any] {
        var args: [String: Any] = [:]
        if let level { args["task_level"] = level }
        if let actionLevel { args["action_level"] = actionLevel }
        return ["ph": "X", "pid": 1, "tid": tid, "name": name, "cat": cat, "ts": ts, "dur": dur, "args": args]
    }

    static func named(_ tid: Int, _ name: String) -> [String: Any] {
        ["ph": "M", "pid": 1, "tid": tid, "name": "thread_name", "args": ["name": name]]
    }

    @Test("the checker finds siblings nested in one another, a shorter slice first at one time, a flow going back")
    func checkerFindsMisnesting() {
        let root = Self.slice("session", 0, 100, level: "/1", actionLevel: "/")
        // Two concurrent requests, the second inside the first's interval: geometrically nested, but siblings.
        let siblings = [
            Self.named(1, "t"), root, Self.slice("request", 1, 50, level: "/2/1", actionLevel: "/2"),
            Self.slice("request", 2, 10, level: "/3/1", actionLevel: "/3"),
        ]
        #expect(Base.problems(siblings).contains { $0.contains("inside request /2, not session /") })
        // A message of the second request, drawn inside the first.
        let message: [String: Any] = [
            "ph": "i", "s": "t", "pid": 1, "tid": 1, "name": "sent", "cat": "message", "ts": 20.0,
            "args": ["task_level": "/3/2"],
        ]
        #expect(
            Base.problems([
                Self.named(1, "t"), root, Self.slice("request", 1, 50, level: "/2/1", actionLevel: "/2"), message,
            ])
            .contains { $0.contains("sent") && $0.contains("inside request /2") })
        // A zero-length slice before a longer one at the same time: the viewers disagree on which holds which.
        let shorterFirst = [Self.named(1, "t"), Self.slice("a", 5, 0, cat: "x"), Self.slice("b", 5, 3, cat: "x")]
        #expect(Base.problems(shorterFirst).contains { $0.contains("viewers nest them differently") })
        let backwards: [[String: Any]] = [
            Self.named(1, "t"), Self.slice("a", 0, 10, cat: "x"),
            ["ph": "s", "pid": 1, "tid": 1, "name": "l", "cat": "link", "id": 1, "ts": 8.0],
            ["ph": "f", "bp": "e", "pid": 1, "tid": 1, "name": "l", "cat": "link", "id": 1, "ts": 2.0],
        ]
        #expect(Base.problems(backwards).contains { $0.contains("before it starts") })
        #expect(Base.problems([Self.named(1, "t"), Self.named(2, "t")]).contains { $0.contains("are named t") })
    }

    @Test("each of a client's three concurrent requests is at the top of a track or in its session")
    func concurrentRequests() throws {
        let events = try Base.trace("concurrent-clients.log")
        #expect(Base.problems(events).isEmpty)
        var names: [Int: String] = [:]
        for e in events where e["name"] as? String == "thread_name" {
            if let tid = e["tid"] as? Int, let name = (e["args"] as? [String: Any])?["name"] as? String {
                names[tid] = name
            }
        }
        // The log's requests that overlap a sibling, from the log itself.
        var requests: [String: (start: Double, end: Double)] = [:]
        for line in try Base.lines("concurrent-clients.log") where line["action_type"] as? String == "http:request" {
            guard let uuid = line["task_uuid"] as? String, let level = line["task_level"] as? [Int],
                let t = line["timestamp"] as? Double
            else { continue }
            let key = "\(uuid)/\(level[0])"
            if line["action_status"] as? String == "started" {
                requests[key, default: (t, t)].start = t
            } else {
                requests[key, default: (t, t)].end = t
            }
        }
        let overlapping = requests.filter { key, r in
            requests.contains { other, o in
                other != key && other.prefix(36) == key.prefix(36) && o.start < r.end && r.start < o.end
            }
        }
        #expect(overlapping.count >= 12)
        // Those requests are on as many tracks as there are requests in flight at once, each named for it.
        let tracks = Set(events.filter { $0["name"] as? String == "http:request" }.compactMap { $0["tid"] as? Int })
        #expect(tracks.count > 12)
        let concurrent = names.values.filter { $0.contains("concurrent") }
        #expect(concurrent.allSatisfy { $0.hasPrefix("client:session · ") })
        #expect(concurrent.filter { $0.contains(" · concurrent 2 of client:session /1") }.count >= 6)
    }

    @Test("track names are distinct", arguments: ["generated.log", "concurrent-clients.log", "echo-service.out"])
    func distinctNames(input: String) throws {
        let names = try Base.trace(input).filter { $0["name"] as? String == "thread_name" }
            .compactMap { ($0["args"] as? [String: Any])?["name"] as? String }
        #expect(names.count > 3)
        #expect(Set(names).count == names.count)
    }

    @Test("30,000 tasks of one action type, their uuids alike at the start, get 30,000 distinct track names")
    func thirtyThousandNames() throws {
        let chains = (0..<30_000).map { n in
            // Pairs of tasks whose uuids share their first 8 (and 12) characters.
            let id = String(format: "%08x-%04x-4000-8000-%012x", n / 2, 0, n)
            let span = ActionSpan(
                kind: .action, name: "client:session", depth: 0, level: "/1",
                start: 1_796_300_000 + Double(n), end: 1_796_300_000.5 + Double(n), status: "succeeded")
            return Chain(
                id: id, kind: .action, label: "client:session", outcome: .succeeded, start: span.start,
                end: span.end, spans: [span], file: "clients.log", line: n + 1)
        }
        let events = try Base.events(ChromeTrace.json(chains, inputs: ["clients.log"]))
        let names = events.filter { $0["name"] as? String == "thread_name" }
            .compactMap { ($0["args"] as? [String: Any])?["name"] as? String }
        #expect(names.count == 30_000)
        #expect(Set(names).count == 30_000)
        #expect(names.allSatisfy { $0.hasPrefix("client:session · ") })
    }

    @Test("an action tree 100,000 deep exports without recursion, on one track, each slice inside the one before")
    func deepNesting() throws {
        // Real task levels of such a tree would take quadratic space; the rows say `/1` at every depth.
        let depth = 100_000
        let spans = (0..<depth).map { d in
            ActionSpan(
                kind: .action, name: "step", depth: d, level: "/1", start: 1_000 + Double(d) * 1e-3,
                end: 2_000 - Double(d) * 1e-3, status: "succeeded")
        }
        let chain = Chain(
            id: "deep", kind: .action, label: "step", outcome: .succeeded, start: 1_000, end: 2_000,
            spans: spans, file: "deep.log", line: 1)
        let events = try Base.events(ChromeTrace.json([chain], inputs: ["deep.log"]))
        let slices = events.filter { $0["ph"] as? String == "X" }
        #expect(slices.count == depth)
        #expect(Set(slices.compactMap { $0["tid"] as? Int }).count == 1)
        var outer = (start: -Double.infinity, end: Double.infinity)
        var nested = 0
        for slice in slices {
            guard let ts = slice["ts"] as? Double, let dur = slice["dur"] as? Double else { continue }
            if outer.start < ts, ts + dur < outer.end { nested += 1 }
            outer = (ts, ts + dur)
        }
        #expect(nested == depth)
    }

    /// The time of the first line of `input` that `matches`, in microseconds.
    static func micros(_ input: String, _ matches: ([String: Any]) -> Bool) throws -> Double {
        let line = try #require(try Base.lines(input).first(where: matches))
        return ((try #require(line["timestamp"] as? Double)) * 1e6).rounded()
    }

    static func flow(_ events: [[String: Any]], _ ph: String, _ name: String) throws -> [String: Any] {
        try #require(events.first { $0["ph"] as? String == ph && $0["name"] as? String == name })
    }

    @Test("a wait's arrow leaves the awaited chain when it fires and arrives when the waiting chain resumes")
    func waitFlowAtResume() throws {
        let events = try Base.trace("waiting.out")
        let fired = try Self.micros("waiting.out") {
            $0["message_type"] as? String == "reactortrack:fired"
                && ($0["task_uuid"] as? String)?.hasPrefix("a2") == true
        }
        let resumed = try Self.micros("waiting.out") { $0["message_type"] as? String == "reactortrack:resumed" }
        let made = try Self.micros("waiting.out") { $0["message_type"] as? String == "reactortrack:waiting" }
        let start = try Self.flow(events, "s", "waitedOn")
        let end = try Self.flow(events, "f", "waitedOn")
        #expect(start["ts"] as? Double == fired)
        #expect(end["ts"] as? Double == resumed)
        #expect(start["ts"] as? Double != made)
        let names = Dictionary(
            events.filter { $0["name"] as? String == "thread_name" }.compactMap { e -> (Int, String)? in
                guard let tid = e["tid"] as? Int, let n = (e["args"] as? [String: Any])?["name"] as? String else {
                    return nil
                }
                return (tid, n)
            }, uniquingKeysWith: { a, _ in a })
        #expect(names[start["tid"] as? Int ?? 0] == "query #2")
        #expect(names[end["tid"] as? Int ?? 0] == "fetchUser #1")
    }

    @Test("chainDeferred's arrow is at the run that passes the result on, arriving when the other chain fires")
    func chainedFlowAtRun() throws {
        let events = try Base.trace("mon.out")
        let run = try Self.micros("mon.out") {
            $0["action_type"] as? String == "reactortrack:run" && $0["name"] as? String == "Deferred #2.callback"
        }
        let fired = try Self.micros("mon.out") {
            $0["message_type"] as? String == "reactortrack:fired"
                && ($0["task_uuid"] as? String)?.hasPrefix("7e2f") == true
        }
        #expect(try Self.flow(events, "s", "chained")["ts"] as? Double == run)
        #expect(try Self.flow(events, "f", "chained")["ts"] as? Double == fired)
    }
}
