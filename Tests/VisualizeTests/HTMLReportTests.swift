import Chains
import EventLog
import Foundation
import Testing
import Visualize

/// The HTML report's page and data, read back as a browser would find them (the browser tests in
/// `Tests/Browser` drive the page itself).
@Suite("HTML report")
struct HTMLReportTests {
    /// The page written for `input`, and the JSON object it carries.
    static func report(_ input: String) throws -> (page: String, data: [String: Any]) {
        let log = try LogLoader().load([input.hasPrefix("/") ? input : TestInputs.path(input)])
        let output = TestInputs.temporaryFile("report.html")
        let drawn = try Renderer.render(log, chains: log.chains, to: output)
        #expect(drawn == nil, "the report draws nothing itself")
        let page = try String(contentsOfFile: output, encoding: .utf8)
        let open = try #require(page.range(of: "<script type=\"application/json\" id=\"rt-data\">"))
        let close = try #require(page.range(of: "</script>", range: open.upperBound..<page.endIndex))
        let json = Data(page[open.upperBound..<close.lowerBound].utf8)
        let data = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        return (page, data)
    }

    static func column(_ data: [String: Any], _ table: String, _ name: String) -> [Int] {
        ((data[table] as? [String: Any])?[name] as? [NSNumber])?.map(\.intValue) ?? []
    }

    /// The log's lines as JSON objects, read here with Foundation rather than with the reader under test.
    static func lines(_ input: String) throws -> [[String: Any]] {
        try String(contentsOfFile: TestInputs.path(input), encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test("the seed log's report holds its chains, pairs, runs and link, every table whole")
    func seedTables() throws {
        let (page, data) = try Self.report("mon.out")
        #expect(page.hasPrefix("<!doctype html>") || page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("Content-Security-Policy"), "the page forbids the network")
        let strings = try #require(data["strings"] as? [String])
        #expect(strings.first == "")
        for table in ["chains", "pairs", "runs", "waits", "links", "spans", "events"] {
            let columns = try #require(data[table] as? [String: [Any]], "\(table)")
            #expect(Set(columns.values.map(\.count)).count == 1, "\(table): columns of different lengths")
        }
        let lines = try Self.lines("mon.out")
        let starts = lines.filter { $0["action_type"] as? String == "reactortrack:deferred" && $0["action_status"] as? String == "started" }
        let labels = Self.column(data, "chains", "label").map { strings[$0] }
        #expect(labels.sorted() == starts.compactMap { $0["label"] as? String }.sorted())
        // Pairs per chain, from the `added` messages of each task.
        for (c, id) in Self.column(data, "chains", "id").enumerated() {
            let added = lines.filter { $0["task_uuid"] as? String == strings[id] && $0["message_type"] as? String == "reactortrack:added" }
            #expect(Self.column(data, "chains", "pairCount")[c] == added.count, "\(labels[c])")
        }
        // The chainDeferred link from d leads to d2's row.
        let d = try #require(labels.firstIndex(of: "d")), d2 = try #require(labels.firstIndex(of: "d2"))
        #expect(Self.column(data, "links", "chain") == [d])
        #expect(Self.column(data, "links", "target") == [d2])
        // problem raised; its pair switched the path to the errback side.
        let names = Self.column(data, "runs", "name").map { strings[$0] }
        let problem = try #require(names.firstIndex(of: "problem"))
        #expect(strings[Self.column(data, "runs", "exception")[problem]].hasSuffix("Problem"))
        #expect(Self.column(data, "pairs", "pathOut")[Self.column(data, "runs", "pair")[problem]] == 2)
    }

    @Test("the replay's steps are the log's events, in the log's time order")
    func stepsFollowTheLog() throws {
        let (_, data) = try Self.report("mon.out")
        let strings = try #require(data["strings"] as? [String])
        let kinds = try #require((data["enums"] as? [String: Any])?["event"] as? [String])
        // The log's step lines, sorted by time as a reader of the file would.
        let expected: [String] = try Self.lines("mon.out").compactMap { line -> (Double, String)? in
            let time = line["timestamp"] as? Double ?? 0
            switch (line["message_type"] as? String, line["action_type"] as? String, line["action_status"] as? String) {
            case ("reactortrack:fired", _, _): return (time, "fired")
            case ("reactortrack:waiting", _, _): return (time, "wait")
            case ("reactortrack:resumed", _, _): return (time, "resumed")
            case ("reactortrack:chained", _, _): return (time, "link")
            case ("reactortrack:cancelled", _, _): return (time, "cancelled")
            case (_, "reactortrack:deferred", "started"): return (time, "created")
            case (_, "reactortrack:deferred", _): return (time, "ended")
            case (_, "reactortrack:run", "started"): return (time, "run:" + (line["name"] as? String ?? ""))
            default: return nil
            }
        }.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element.1)
        let types = Self.column(data, "events", "type").map { kinds[$0] }
        let refs = Self.column(data, "events", "ref")
        let runNames = Self.column(data, "runs", "name")
        let steps = zip(types, refs).map { type, ref in type == "run" ? "run:" + strings[runNames[ref]] : type }
        #expect(steps == expected)
        let times = Self.column(data, "events", "time")
        #expect(times == times.sorted())
    }

    @Test("no string from the log can end the data's element or run: markup, quotes, line separators, 1 MB values")
    func hostileStrings() throws {
        let (page, data) = try Self.report(try Self.writeHostileLog())
        let strings = try #require(data["strings"] as? [String])
        // Every `<script` in the page is the page's own: the template has two.
        #expect(page.components(separatedBy: "<script").count - 1 == 2)
        #expect(!page.contains("alert(1)</script>"))
        #expect(!page.contains("\u{2028}"))
        // The strings read back as the log wrote them, cut where they were long.
        #expect(strings.contains { $0.hasPrefix("<script>alert(1)</script>\"'`</script><!-- &amp; \u{2028}") })
        let longest = strings.map(\.count).max() ?? 0
        #expect(longest == 2_000)
        #expect(strings.contains { $0.count == 2_000 && $0.hasSuffix("…") })
    }

    static let hostile = "<script>alert(1)</script>\"'`</script><!-- &amp; \u{2028}\u{2029}\u{0}\u{7}\u{1B}[31m <img src=x onerror=alert(2)>"

    /// A log whose every string is hostile to a page (the browser tests write the same with Python).
    static func writeHostileLog() throws -> String {
        let task = "00000000-0000-0000-0000-000000000001", t = 1_700_000_000.0
        let lines: [[String: Any]] = [
            ["task_uuid": task, "task_level": [1], "action_type": "reactortrack:deferred", "action_status": "started",
             "timestamp": t, "deferred_id": 1, "label": hostile, "created_at": hostile, "tracked_by": "user"],
            ["task_uuid": task, "task_level": [2], "message_type": "reactortrack:added", "timestamp": t + 0.001,
             "index": 0, "callback": hostile, "errback": NSNull(), "site": hostile],
            ["task_uuid": task, "task_level": [3], "message_type": "reactortrack:fired", "timestamp": t + 0.002,
             "path": "success", "value": String(repeating: "x", count: 1_000_000)],
            ["task_uuid": task, "task_level": [4, 1], "action_type": "reactortrack:run", "action_status": "started",
             "timestamp": t + 0.003, "index": 0, "name": hostile, "path": "success", "input": hostile],
            ["task_uuid": task, "task_level": [4, 2], "action_type": "reactortrack:run", "action_status": "failed",
             "timestamp": t + 0.004, "exception": hostile, "reason": hostile],
            ["task_uuid": task, "task_level": [5], "action_type": "reactortrack:deferred", "action_status": "failed",
             "timestamp": t + 0.005, "exception": hostile, "reason": hostile, "ended_by": "released", "runs": 1],
        ]
        let path = TestInputs.temporaryFile("hostile.out")
        let text = try lines.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        try (text.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("an Eliot task becomes an action tree with its spans and their fields")
    func eliotTasks() throws {
        let (_, data) = try Self.report("twisted-eliot.log")
        let strings = try #require(data["strings"] as? [String])
        let spanCount = Self.column(data, "spans", "chain").count
        #expect(spanCount > 0)
        let fields = Self.column(data, "spans", "fields").map { strings[$0] }
        #expect(fields.contains { $0.contains(": ") })
        let summary = try #require(data["summary"] as? [String: Any])
        #expect((summary["chains"] as? Int) == Self.column(data, "chains", "id").count)
    }
}
