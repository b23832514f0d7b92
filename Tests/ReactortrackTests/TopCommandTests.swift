import Foundation
import TestSupport
import Testing

/// `reactortrack top` without a terminal: one snapshot, JSON, the gate for CI, and snapshots every interval.
@Suite("top --once, --json, --fail-on")
struct TopCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(
        "top --once --json has summary --json's counts",
        arguments: [
            "waiting.out", "dropped.out", "mon.out", "twisted-eliot.log", "pipeline.out", "reactor-track.log",
            "echo-service.out", "generated.log", "concurrent-clients.log", "reactor-track-chained.log",
            "reactor-track-chained-bound.log", "reactor-track-chained-py2.log",
        ])
    func countsAreTheSummary(_ name: String) throws {
        let path = TestFixtures.path(name)
        let top = try CommandRunner.run(["top", "--once", "--json", path])
        let summary = try CommandRunner.run(["summary", "--json", path])
        #expect(top.status == 0, "\(top.stderr)")
        let a = try json(top.stdout)
        let b = try json(summary.stdout)
        #expect(a["schema"] as? Int == 1)
        for key in ["chains", "complete", "incomplete", "messages", "lost_events"] {
            #expect(a[key] as? Int == b[key] as? Int, "\(name): \(key)")
        }
        for key in ["outcomes", "statuses"] {
            #expect(a[key] as? [String: Int] == b[key] as? [String: Int], "\(name): \(key)")
        }
        #expect(a["in_flight"] is [[String: Any]] && a["warnings"] is [[String: Any]])
        // The callbacks view is summary's slowest callbacks, row for row.
        let table = try json(try CommandRunner.run(["summary", "--json", "--top", "100", path]).stdout)
        let ours = try #require(a["callbacks"] as? [[String: Any]])
        let theirs = try #require(table["slowest_callbacks"] as? [[String: Any]])
        #expect(ours.map { $0["name"] as? String } == theirs.map { $0["name"] as? String }, "\(name): names")
        #expect(ours.map { $0["calls"] as? Int } == theirs.map { $0["calls"] as? Int }, "\(name): calls")
        #expect(ours.map { $0["failures"] as? Int } == theirs.map { $0["failures"] as? Int }, "\(name): failures")
        let maxima = { (rows: [[String: Any]]) in rows.map { ($0["percentiles"] as? [String: Any])?["max"] as? Double } }
        #expect(maxima(ours) == maxima(theirs), "\(name): max")
    }

    @Test("--callbacks lists the callbacks by name with their figures, in 80 columns")
    func callbacksText() throws {
        let result = try CommandRunner.run(["top", "--once", "--callbacks", TestFixtures.path("waiting.out")])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("CALLBACKS (") })
        #expect(lines[header].contains("CALLS") && lines[header].contains("P99") && lines[header].contains("FAILED"))
        // render and send took 50 ms each, once (ties by name); send raised; lookup took 1 ms.
        let rows = Array(lines[(header + 1)...].prefix(3))
        #expect(rows.map { String($0.prefix(12)).trimmingCharacters(in: .whitespaces) } == ["render", "send", "lookup"])
        #expect(rows[0].contains(" 1 ") && rows[0].contains("50.0 ms") && rows[0].hasSuffix(" 0%"), "\(rows[0])")
        #expect(rows[1].hasSuffix("100%") && rows[2].contains("1.00 ms"), "\(rows)")
        for line in lines where !line.hasPrefix("top: ") { #expect(line.count <= 80, "\(line)") }
    }

    @Test("--fail-on exits 3 naming what it found, and 0 when the log has none of it")
    func failOn() throws {
        let path = TestFixtures.path("waiting.out")
        let failing = try CommandRunner.run(["top", "--once", "--fail-on", "cycle,unhandled", path])
        #expect(failing.status == 3)
        #expect(failing.stderr.contains("failing on unhandled (1)"), "\(failing.stderr)")
        #expect(failing.stdout.contains("sendMail #4"), "the snapshot is printed first")
        // timeout #3 has been in flight 420 ms at the log's end: pending past 400 ms, not past 1 s.
        #expect(try CommandRunner.run(["top", "--once", "--fail-on", "pending:400ms", path]).status == 3)
        #expect(try CommandRunner.run(["top", "--once", "--fail-on", "pending:1s,cycle", path]).status == 0)
        #expect(try CommandRunner.run(["top", "--once", "--fail-on", "dropped", TestFixtures.path("dropped.out")]).status == 3)
        for bad in ["bogus", "cycle:3s", "pending:soon", "blocked:-1s"] {
            let usage = try CommandRunner.run(["top", "--once", "--fail-on", bad, path])
            #expect(usage.status == 2, "\(bad): \(usage.stderr)")
        }
        #expect(try CommandRunner.run(["top", "--once", "--blocked", "fast", path]).status == 2)
        #expect(try CommandRunner.run(["top", "--count", "2", "-"]).status == 2, "standard input is read once")
    }

    @Test("without --once: a snapshot every interval, --count of them, each as of the log's last event")
    func batch() throws {
        let path = TestFixtures.path("waiting.out")
        let result = try CommandRunner.run(["top", "--count", "3", "--interval", "0.05", path])
        #expect(result.status == 0, "\(result.stderr)")
        let heads = result.stdout.split(separator: "\n").filter { $0.hasPrefix("top: ") }
        #expect(heads.count == 3)
        #expect(Set(heads).count == 1, "the same log, the same moment")
    }

    @Test("the text fits 80 columns and shows what each chain in flight is doing")
    func text() throws {
        for name in ["waiting.out", "dropped.out", "pipeline.out", "echo-service.out"] {
            let result = try CommandRunner.run(["top", "--once", TestFixtures.path(name)])
            #expect(result.status == 0)
            for line in result.stdout.split(separator: "\n") where !line.hasPrefix("top: ") {
                #expect(line.count <= 80, "\(name): \(line)")
            }
        }
        let waiting = try CommandRunner.run(["top", "--once", TestFixtures.path("waiting.out")]).stdout
        let row = try #require(waiting.split(separator: "\n").first { $0.hasPrefix("timeout #3") })
        #expect(row.contains("not fired") && row.contains("420 ms") && row.contains("0/1"), "\(row)")
    }

    @Test(
        "with a retention that holds them all, the chains listed as ended are summary --json's ended outcomes",
        arguments: ["waiting.out", "mon.out", "echo-service.out", "pipeline.out", "twisted-eliot.log"])
    func endedAreTheSummary(_ name: String) throws {
        let path = TestFixtures.path(name)
        let top = try json(try CommandRunner.run(["top", "--once", "--json", "--retain", "1000000h", path]).stdout)
        let summary = try json(try CommandRunner.run(["summary", "--json", path]).stdout)
        let rows = try #require(top["ended"] as? [[String: Any]])
        #expect(top["retain"] as? Double == 3.6e9)
        let outcomes = try #require(summary["outcomes"] as? [String: Int])
        for outcome in ["succeeded", "recovered", "failed", "unhandled"] {
            #expect(rows.filter { $0["outcome"] as? String == outcome }.count == outcomes[outcome] ?? 0, "\(name): \(outcome)")
        }
        let ends = rows.compactMap { $0["end"] as? Double }
        #expect(ends.count == rows.count && ends == ends.sorted(by: >), "\(name): the latest end first")
        // Not listed, still counted.
        let none = try json(try CommandRunner.run(["top", "--once", "--json", "--retain", "0", path]).stdout)
        #expect((none["ended"] as? [Any])?.isEmpty == true && none["chains"] as? Int == summary["chains"] as? Int)
    }

    @Test("--ended lists the chains that ended in 80 columns; --retain takes a duration")
    func endedText() throws {
        let path = TestFixtures.path("echo-service.out")
        let data = try json(try CommandRunner.run(["top", "--once", "--json", "--retain", "1000000h", path]).stdout)
        let first = try #require((data["ended"] as? [[String: Any]])?.first)
        let result = try CommandRunner.run(["top", "--once", "--ended", "--retain", "1000000h", path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("ENDED (") })
        #expect(lines[header].contains("OUTCOME") && lines[header].contains("LIFETIME") && lines[header].hasSuffix("AGO"))
        let row = lines[header + 1]
        let title = try #require(first["title"] as? String)
        let outcome = try #require(first["outcome"] as? String)
        #expect(row.hasPrefix(title) && row.contains(outcome), "\(row)")
        for line in lines where !line.hasPrefix("top: ") { #expect(line.count <= 80, "\(line)") }
        let none = try CommandRunner.run(["top", "--once", "--ended", "--retain", "0", path])
        #expect(none.stdout.contains("no chain ended listed (--retain 0)"), "\(none.stdout)")
        let bad = try CommandRunner.run(["top", "--once", "--retain", "soon", path])
        #expect(bad.status == 2 && bad.stderr.contains("--retain"), "\(bad.stderr)")
    }
}
