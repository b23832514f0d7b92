import Foundation
import TestSupport
import Testing

/// The seed example's real mon.out: `d.chainDeferred(d2)` is pair [4] of d, and every view hangs d2 there.
@Suite("The seed's chained d2, in every view")
struct SeedLinkTests {
    static let log: Result<String, any Error> = Result {
        let path = CommandRunner.temporaryPath("mon.out")
        _ = try TestProcess.run(CommandRunner.product("seed-example"), [path])
        return path
    }

    /// The lines of a tree, from d's header on: d comes first, and d2 is printed under pair [4], not apart.
    static func checkTree(_ output: String) {
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("d #1") == true, "d's family comes first:\n\(output)")
        let pair4 = lines.firstIndex { $0.contains("[4] chainDeferred.callback") }
        let d2 = lines.firstIndex { $0.contains("↳ d2 #2") }
        #expect(pair4 != nil && d2 == pair4.map { $0 + 1 }, "d2 hangs under pair [4]:\n\(output)")
        #expect(!lines.contains { $0.hasPrefix("d2 #2") }, "d2 is not a chain of its own:\n\(output)")
    }

    @Test("tree, streaming (the default), prints d first with d2 under pair [4]")
    func streamingTree() throws {
        let result = try CommandRunner.run(["tree", "--color", "never", try Self.log.get()])
        #expect(result.status == 0, "\(result.stderr)")
        Self.checkTree(result.stdout)
    }

    @Test("tree --slowest hangs d2 under pair [4]")
    func slowestTree() throws {
        let result = try CommandRunner.run(["tree", "--color", "never", "--slowest", "5", try Self.log.get()])
        #expect(result.status == 0, "\(result.stderr)")
        Self.checkTree(result.stdout)
    }

    @Test("render starts the link to d2 on the row of pair [4]")
    func renderedLink() throws {
        let svg = CommandRunner.temporaryPath("seed.svg")
        let result = try CommandRunner.run(["render", try Self.log.get(), "-o", svg])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        // The ladder rows of d (the first chain): the pair-index labels 0...5, each 3.5 below its row's centre.
        var rows: [Int: Double] = [:]
        for match in text.matches(of: #/class="pair-index" x="44" y="([0-9.]+)"[^>]*>(\d+)</#) {
            if let y = Double(match.1), let index = Int(match.2), rows[index] == nil { rows[index] = y - 3.5 }
        }
        let link = try #require(text.firstMatch(of: #/polyline class="link" points="[0-9.]+,([0-9.]+)[ ,]/#))
        let start = try #require(Double(link.1))
        let row = rows.min { abs($0.value - start) < abs($1.value - start) }
        #expect(rows.count == 6)
        #expect(row?.key == 4, "the link starts at y \(start); rows: \(rows.sorted { $0.key < $1.key })")
    }

    @Test("time in callbacks counts d2's run inside chainDeferred's once, and the tree shows that run's self time")
    func nestedTimeOnce() throws {
        let log = try Self.log.get()
        let result = try CommandRunner.run(["summary", "--json", log])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let running = try #require(summary["running"] as? Double)
        let tasks = try #require(summary["tasks"] as? [[String: Any]])
        let longest = try #require(tasks.compactMap { $0["duration"] as? Double }.max())
        // Three one-second runs, one nested in another: about 2 s, within the 2.1 s chain (not 3 s).
        #expect(running > 1.9 && running <= longest, "running \(running) s, longest chain \(longest) s")
        let tree = try CommandRunner.run(["tree", "--color", "never", log])
        let line = try #require(tree.stdout.split(separator: "\n").first { $0.contains("[4] chainDeferred.callback") })
        let selfTime = try #require(line.firstMatch(of: #/\(self ([0-9.]+) (µs|ms)\)/#), "\(line)")
        #expect(Double(selfTime.1) != nil)
    }
}
