import Chains
import Export
import Foundation
import Testing

/// `export` streams: each chain family is written as soon as it is complete. What it writes must be what the
/// whole log gives (``ChromeTrace`` and ``OTLPMapping`` of every chain loaded), but for the order of events and
/// the numbers of tracks and arrows, which follow the order families complete in.
@Suite("export streams")
struct StreamedExportTests {
    /// Logs whose tasks all end once (so that streaming and loading make the same chains), each kind of shape:
    /// Deferreds linked every way, action trees with concurrent children, lone messages, the original format,
    /// dropped events.
    static let logs = [
        "mon.out", "waiting.out", "pipeline.out", "echo-service.out", "dropped.out", "twisted-eliot.log",
        "concurrent-clients.log", "reactor-track-chained.log", "reactor-track.log", "generated.log",
    ]

    static func object(_ text: some StringProtocol) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A Chrome trace's events as text, sorted: each event's process and track by name instead of number, the
    /// tracks' sort indexes and the arrows' numbers left out.
    static func chromeEvents(_ trace: String) throws -> [String] {
        let events = try #require(try object(trace)["traceEvents"] as? [[String: Any]])
        var processes: [Int: String] = [:]
        var tracks: [[Int]: String] = [:]
        for event in events where event["ph"] as? String == "M" {
            let pid = event["pid"] as? Int ?? -1
            let name = (event["args"] as? [String: Any])?["name"] as? String
            switch event["name"] as? String {
            case "process_name": processes[pid] = name
            case "thread_name": tracks[[pid, event["tid"] as? Int ?? -1]] = name
            default: break
            }
        }
        var out: [String] = []
        for var event in events {
            if event["ph"] as? String == "M", event["name"] as? String == "thread_sort_index" { continue }
            let pid = event["pid"] as? Int ?? -1
            let tid = event["tid"] as? Int ?? -1
            event["pid"] = processes[pid] ?? "?\(pid)"
            event["tid"] = pid == 0 || tid == 0 ? "process" : tracks[[pid, tid]] ?? "?\(tid)"
            event["id"] = nil
            out.append(try canonical(event))
        }
        return out.sorted()
    }

    /// OTLP JSON lines' spans as text, sorted, each with its resource.
    static func otlpSpans(_ lines: String) throws -> [String] {
        var out: [String] = []
        for line in lines.split(separator: "\n") where !line.isEmpty {
            let resources = try #require(try object(line)["resourceSpans"] as? [[String: Any]])
            for resource in resources {
                let attributes = try canonical(resource["resource"] ?? [:])
                for scope in resource["scopeSpans"] as? [[String: Any]] ?? [] {
                    for span in scope["spans"] as? [[String: Any]] ?? [] {
                        out.append(attributes + " " + (try canonical(span)))
                    }
                }
            }
        }
        return out.sorted()
    }

    @Test("the Chrome trace holds the whole log's events", arguments: logs)
    func chrome(name: String) throws {
        let path = CommandRunner.input(name)
        let file = CommandRunner.temporaryPath("trace.json")
        let run = try CommandRunner.run(["export", path, "-o", file])
        #expect(run.status == 0, "\(run.stderr)")
        let streamed = try String(contentsOfFile: file, encoding: .utf8)
        let log = try LogLoader().load([path])
        let whole = String(decoding: ChromeTrace.json(log.chains, inputs: log.inputs), as: UTF8.self)
        let expected = try Self.chromeEvents(whole)
        #expect(expected.count > 5)
        #expect(try Self.chromeEvents(streamed) == expected)
        #expect(run.stderr.contains("\(log.chains.count { !$0.isDropMarker }) chain"))
    }

    @Test("the OTLP JSON lines hold the whole log's spans", arguments: logs)
    func otlp(name: String) throws {
        let path = CommandRunner.input(name)
        let file = CommandRunner.temporaryPath("spans.jsonl")
        let run = try CommandRunner.run(["export", path, "--format", "otlp-json", "-o", file])
        #expect(run.status == 0, "\(run.stderr)")
        let streamed = try String(contentsOfFile: file, encoding: .utf8)
        let log = try LogLoader().load([path])
        let whole = String(
            decoding: OTLPJSON.lines(OTLPMapping.batches(log.chains, inputs: log.inputs), scopeVersion: "test"),
            as: UTF8.self)
        let version = { (text: String) in text.replacingOccurrences(of: #""version":"test""#, with: "") }
        let expected = try Self.otlpSpans(version(whole))
        #expect(expected.count > 5)
        let got = try Self.otlpSpans(streamed.replacingOccurrences(
            of: #""version":"[^"]*""#, with: "", options: .regularExpression))
        #expect(got == expected)
    }

    @Test("nothing selected: a previous output stays as it was")
    func nothingSelected() throws {
        let file = CommandRunner.temporaryPath("trace.json")
        try "previous".write(toFile: file, atomically: true, encoding: .utf8)
        let run = try CommandRunner.run(["export", CommandRunner.input("mon.out"), "--task", "no-such-task", "-o", file])
        #expect(run.status == 1)
        #expect(run.stderr.contains("no chain matches"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "previous")
        let folder = (file as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["trace.json"])
    }
}
