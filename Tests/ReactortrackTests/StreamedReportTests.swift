import Chains
import Foundation
import TestSupport
import Testing
import Visualize

/// `render -o report.html` streams: each chain family goes into the report's tables as soon as it is complete.
/// Its data must be the whole log's (``Visualize/Renderer`` of every chain loaded), chains in the same order,
/// though the other tables' rows and the strings come in the order families complete in: compared chain by
/// chain, every row of every table with its references (link targets, parents, a pair's run, each replay step's
/// row) followed to what they name.
@Suite("render -o report.html streams")
struct StreamedReportTests {
    /// The JSON object a report carries.
    static func data(_ path: String) throws -> [String: Any] {
        let page = try String(contentsOfFile: path, encoding: .utf8)
        let open = try #require(page.range(of: "<script type=\"application/json\" id=\"rt-data\">"))
        let close = try #require(page.range(of: "</script>", range: open.upperBound..<page.endIndex))
        return try #require(try JSONSerialization.jsonObject(with: Data(page[open.upperBound..<close.lowerBound].utf8)) as? [String: Any])
    }

    static func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
    }

    /// The report's data with every place in a table replaced by what is there: the chains as a sorted list of
    /// records (each with its rows), the replay's steps sorted, and everything else as it is.
    static func normalized(_ data: [String: Any]) throws -> [String: String] {
        let strings = try #require(data["strings"] as? [String])
        func table(_ name: String) throws -> [String: [Int]] {
            let columns = try #require(data[name] as? [String: [NSNumber]], "\(name)")
            return columns.mapValues { $0.map(\.intValue) }
        }
        let chains = try table("chains"), pairs = try table("pairs"), runs = try table("runs")
        let waits = try table("waits"), links = try table("links"), spans = try table("spans"), busy = try table("busy")
        let textColumns: Set<String> = [
            "id", "label", "badge", "exception", "reason", "result", "firedValue", "createdAt", "trackedBy", "file",
            "title", "callback", "errback", "site", "name", "input", "output", "value", "level", "status", "fields",
        ]
        let count = chains["id"]?.count ?? 0
        func name(_ chain: Int) -> String {
            guard chain >= 0, chain < count else { return "-" }
            return strings[chains["id"]![chain]] + " " + strings[chains["title"]![chain]]
        }
        func row(_ table: [String: [Int]], _ r: Int, leaving: Set<String>, _ map: [String: (Int) -> Any] = [:]) -> [String: Any] {
            var out: [String: Any] = [:]
            for (column, values) in table where !leaving.contains(column) {
                let v = values[r]
                out[column] = map[column]?(v) ?? (textColumns.contains(column) ? strings[v] : v)
            }
            return out
        }
        let places: Set<String> = [
            "family", "parent", "pairStart", "pairCount", "runStart", "runCount", "waitStart", "waitCount", "linkStart",
            "linkCount", "spanStart", "spanCount", "busyStart", "busyCount",
        ]
        var records: [String] = []
        for c in 0..<count {
            let col = { (n: String) in chains[n]![c] }
            var record = row(chains, c, leaving: places)
            record["parent"] = name(col("parent"))
            let runStart = col("runStart")
            record["pairs"] = (col("pairStart")..<col("pairStart") + col("pairCount")).map {
                row(pairs, $0, leaving: ["chain"], ["run": { $0 < 0 ? -1 : $0 - runStart }])
            }
            record["runs"] = (runStart..<runStart + col("runCount")).map {
                row(runs, $0, leaving: ["chain"], ["pair": { $0 < 0 ? -1 : $0 - col("pairStart") }])
            }
            record["waits"] = (col("waitStart")..<col("waitStart") + col("waitCount")).map {
                row(waits, $0, leaving: ["chain"], ["on": name])
            }
            record["links"] = (col("linkStart")..<col("linkStart") + col("linkCount")).map {
                row(links, $0, leaving: ["chain"], ["target": name])
            }
            record["spans"] = (col("spanStart")..<col("spanStart") + col("spanCount")).map {
                row(spans, $0, leaving: ["chain"])
            }
            record["busy"] = col("busyCount") < 0 ? "runs" : (col("busyStart")..<col("busyStart") + col("busyCount")).map {
                row(busy, $0, leaving: ["chain"]) as Any
            }
            records.append(try canonical(record))
        }
        // Each step's row, as the place in its chain's rows of the table it is in.
        let events = try table("events")
        let kinds = try #require((data["enums"] as? [String: Any])?["event"] as? [String])
        var steps: [String] = []
        for e in 0..<(events["time"]?.count ?? 0) {
            let c = events["chain"]![e], ref = events["ref"]![e]
            let start: String? =
                switch kinds[events["type"]![e]] {
                case "run": "runStart"
                case "wait", "resumed": "waitStart"
                case "link": "linkStart"
                case "action", "message", "actionFailed": "spanStart"
                default: nil
                }
            let place = ref < 0 ? -1 : ref - (start.map { chains[$0]![c] } ?? 0)
            steps.append("\(events["time"]![e]) \(kinds[events["type"]![e]]) \(name(c)) \(place)")
        }
        // The chains in the table's order: families in the log's order, whatever order they completed in.
        var out: [String: String] = [
            "chains": try canonical(records.sorted()), "events": try canonical(steps.sorted()),
            "order": try canonical((0..<count).map(name)),
        ]
        for key in ["title", "t0", "inputs", "warnings", "warningCount", "enums", "summary", "valueLimit", "format"] {
            out[key] = try canonical(data[key] ?? NSNull())
        }
        return out
    }

    /// The report of `path` written by the command (streamed) and by the library from the whole log, normalized.
    static func both(_ path: String) throws -> (streamed: [String: String], whole: [String: String]) {
        let streamed = CommandRunner.temporaryPath("streamed.html")
        let run = try CommandRunner.run(["render", path, "-o", streamed])
        #expect(run.status == 0, "\(run.stderr)")
        let log = try LogLoader().load([path])
        let whole = CommandRunner.temporaryPath("whole.html")
        try Renderer.render(log, chains: log.chains, to: whole, options: DiagramOptions(sourceNames: log.inputs))
        return (try normalized(try data(streamed)), try normalized(try data(whole)))
    }

    @Test(
        "issue #22's shapes: links across families (a fan-in's members) resolve, lines and fans keep their order",
        arguments: ["fanin-waited", "fanin-chained", "fanin-returned", "fanout-waited", "line-chained", "huge-task",
                    "open-deferreds", "original-line"])
    func shapes(shape: String) throws {
        let path = CommandRunner.temporaryPath("\(shape).log")
        let script = TestFixtures.repositoryRoot.appendingPathComponent("scripts/make_shapes.py").path
        let made = try TestProcess.run("/usr/bin/env", ["python3", script, shape, "200", "-o", path])
        #expect(made.status == 0, "\(made.stderr)")
        let (streamed, whole) = try Self.both(path)
        #expect(streamed == whole)
    }

    @Test(
        "the streamed report carries the whole log's chains, rows and steps",
        arguments: [
            "mon.out", "waiting.out", "pipeline.out", "echo-service.out", "dropped.out", "twisted-eliot.log",
            "concurrent-clients.log", "reactor-track-chained.log", "reactor-track.log", "generated.log",
        ])
    func sameData(name: String) throws {
        let (streamed, whole) = try Self.both(CommandRunner.input(name))
        #expect(streamed == whole)
        #expect((whole["chains"]?.count ?? 0) > 100)
    }
}
