import Foundation
import Chains
import EventLog
import Testing
import Visualize

/// The original Python Reactor Track format: durations that nest, the `chainDeferred` link, and every inferred
/// fact labelled as inferred.
@Suite("Original Reactor Track format")
struct ReactorTrackFormatTests {
    static let d = 25_657_144
    static let d2 = 25_656_712

    /// Chains read from format lines given as (deferred, name, seconds) runs after the `attached` lines.
    static func read(_ lines: [String]) -> [Chain] {
        ReactorTrackLogReader.read(Array((lines.joined(separator: "\n") + "\n").utf8), file: "test.log").chains
    }

    static func attached(_ deferred: Int, _ callback: String?, _ errback: String? = nil) -> String {
        let quote = { (name: String?) in name.map { "\"\($0)\"" } ?? "null" }
        return
            #"{"action": "attached", "deferred": \#(deferred), "callback": \#(quote(callback)), "errback": \#(quote(errback))}"#
    }

    static func executed(_ deferred: Int, _ name: String, _ time: Double, callback: Bool = true) -> String {
        #"{"action": "executed", "deferred": \#(deferred), "time": \#(time), "callback?": \#(callback), "callback": "\#(name)"}"#
    }

    /// The seed program's log with the `chainDeferred` pair in each of Reactor Track's spellings: Python 3's
    /// qualified name, Python 2's module and function name, and a bound method's repr.
    static let chainedSpellings = [
        "reactor-track-chained.log", "reactor-track-chained-py2.log", "reactor-track-chained-bound.log",
    ]

    @Test(
        "the documented example: d runs 2.003 s, and d2's 1.001 s run lies inside d's chainDeferred run",
        arguments: chainedSpellings)
    func documentedExample(file: String) throws {
        let log = try LogLoader().load([TestInputs.path(file)])
        #expect(log.warnings.isEmpty)
        #expect(log.messageCount == 14)
        let d = try #require(log.chain(deferredID: Self.d))
        let d2 = try #require(log.chain(deferredID: Self.d2))
        #expect(abs(d.duration - 2.003) < 0.0005)
        #expect(abs(d.runningTime - 2.003) < 0.0005)
        let pairName = try #require(d.pairs[4].callback)
        #expect(try String(contentsOfFile: TestInputs.path(file), encoding: .utf8).contains("\"\(pairName)\""))
        let holder = try #require(d.pairs[4].run)
        let nested = try #require(d2.pairs[0].run)
        #expect(abs((nested.duration ?? 0) - 1.001) < 1e-9)
        #expect(nested.start == holder.start)
        #expect((nested.end ?? .infinity) <= (holder.end ?? 0))
        #expect(d2.start == holder.start && d2.end == nested.end)
        // d's runs follow each other with no gap: each starts when the one before ended.
        let runs = d.pairs.compactMap(\.run)
        for (before, after) in zip(runs, runs.dropFirst()) { #expect(after.start == before.end) }
    }

    @Test(
        "d2 is linked to d from the chainDeferred pair, and the two are one family with d2 under d",
        arguments: chainedSpellings)
    func linkFromThePair(file: String) throws {
        let log = try LogLoader().load([TestInputs.path(file)])
        let d = try #require(log.chain(deferredID: Self.d))
        #expect(d.links == [ChainLink(kind: .chained, target: Self.d2, pairIndex: 4, time: d.pairs[4].run?.start)])
        #expect(log.chain(deferredID: Self.d2)?.trackedBy == "chained")
        let families = ChainFamily.group(log.chains)
        try #require(families.count == 1)
        #expect(families[0].members.map(\.chain.deferredID) == [Self.d, Self.d2])
        #expect(families[0].members.last?.link?.pairIndex == 4)
        // Streamed, the family is the same.
        var stream = ChainFamilyStream()
        var streamed: [ChainFamily] = []
        _ = try LogLoader().stream([TestInputs.path(file)]) { chain, ordinal in
            streamed += stream.add(chain, ordinal: ordinal)
        }
        streamed += stream.finish()
        #expect(streamed == families)
    }

    @Test("what the reader inferred is listed on each chain")
    func inferredFacts() throws {
        let chained = try LogLoader().load([TestInputs.path("reactor-track-chained.log")])
        #expect(chained.chains.map(\.inferred) == Array(repeating: [.startTimes, .nesting, .link, .outcome], count: 2))
        let plain = try LogLoader().load([TestInputs.path("reactor-track.log")])
        #expect(plain.chains.map(\.inferred) == [[.startTimes, .outcome], [.startTimes, .outcome]])
        #expect(plain.chains.allSatisfy { $0.links.isEmpty })
        #expect(plain.messageCount == 10)
        let eliot = try LogLoader().load([TestInputs.path("mon.out")])
        #expect(eliot.chains.allSatisfy { $0.inferred.isEmpty })
    }

    @Test(
        "each spelling of a Deferred's own callback is the chainDeferred pair; a user's function named callback is not",
        arguments: [
            ("twisted.internet.defer.callback", "twisted.internet.defer.errback", true),
            ("twisted.internet.defer.Deferred.callback", "twisted.internet.defer.Deferred.errback", true),
            ("myapp.TracedDeferred.callback", "myapp.TracedDeferred.errback", true),
            ("<bound method Deferred.callback of <Deferred at 0x2>>", "<bound method Deferred.errback of <Deferred at 0x2>>", true),
            ("__main__.callback", "__main__.errback", false),
            ("myapp.Client.callback", "myapp.Client.errback", false),
            ("twisted.internet.defer.succeed", "twisted.internet.defer.fail", false),
        ])
    func spellings(callback: String, errback: String, links: Bool) throws {
        let chains = Self.read([
            Self.attached(1, "a"), Self.attached(1, callback, errback), Self.attached(2, "b"),
            Self.executed(1, "a", 1.0), Self.executed(2, "b", 0.5), Self.executed(1, callback, 0.75),
        ])
        try #require(chains.count == 2)
        #expect(chains[0].links.map(\.target) == (links ? [2] : []))
        // Nested, the chain runs 1.75 s; laid end to end, 2.25 s with d2's run counted before the holder's.
        #expect(chains[0].duration == (links ? 1.75 : 2.25))
        #expect(chains[1].trackedBy == (links ? "chained" : nil))
    }

    @Test("runs that do not fit in the chainDeferred run, or of a Deferred that ran before, are not nested")
    func notNested() throws {
        // d2's run is longer than the run that would hold it.
        let tooLong = Self.read([
            Self.attached(1, "twisted.internet.defer.Deferred.callback", "twisted.internet.defer.Deferred.errback"),
            Self.attached(2, "f"), Self.executed(2, "f", 2.0),
            Self.executed(1, "twisted.internet.defer.Deferred.callback", 0.5),
        ])
        try #require(tooLong.count == 2)
        #expect(tooLong.allSatisfy { $0.links.isEmpty })
        #expect(tooLong[0].start == 2.0 && tooLong[0].end == 2.5)
        #expect(tooLong[1].inferred == [.startTimes, .outcome])
        // Deferred 2 already ran once before Deferred 1's run of another Deferred's callback: it fired then.
        let ranBefore = Self.read([
            Self.attached(2, "f"), Self.attached(2, "g"), Self.attached(3, "h"),
            Self.attached(1, "Deferred.callback", "Deferred.errback"),
            Self.executed(2, "f", 0.1), Self.executed(3, "h", 0.1), Self.executed(2, "g", 0.1),
            Self.executed(1, "Deferred.callback", 1.0),
        ])
        #expect(ranBefore.allSatisfy { $0.links.isEmpty })
    }

    @Test("chained twice: d3's run lies inside d2's chainDeferred run, which lies inside d's")
    func nestedTwice() throws {
        let pass = ("twisted.internet.defer.Deferred.callback", "twisted.internet.defer.Deferred.errback")
        let chains = Self.read([
            Self.attached(1, "a"), Self.attached(1, pass.0, pass.1), Self.attached(2, pass.0, pass.1),
            Self.attached(3, "c"),
            Self.executed(1, "a", 0.5), Self.executed(3, "c", 1.0), Self.executed(2, pass.0, 1.25),
            Self.executed(1, pass.0, 1.5),
        ])
        let byID = Dictionary(uniqueKeysWithValues: chains.map { ($0.deferredID!, $0) })
        #expect(byID[1]?.links.map(\.target) == [2])
        #expect(byID[2]?.links.map(\.target) == [3])
        #expect(byID[1]?.duration == 2.0)
        #expect(byID[2]?.start == 0.5 && byID[3]?.start == 0.5)
        #expect(byID[3]?.end == 1.5 && byID[2]?.end == 1.75)
        #expect(ChainFamily.group(chains).map { $0.members.map(\.depth) } == [[0, 1, 2]])
    }

    @Test("the page says what was inferred, its footer does not claim wall-clock times, and no tooltip says raised ?")
    func page() throws {
        let log = try LogLoader().load([TestInputs.path("reactor-track-chained.log")])
        let document = DiagramLayout.layout(
            log, chains: log.chains, options: DiagramOptions(sourceNames: ["reactor-track-chained.log"]),
            measurer: FixedWidthMeasurer())
        let svg = SVGWriter.svg(document.pages[0])
        #expect(svg.contains("inferred, not recorded:"))
        #expect(svg.contains("start times (from durations)"))
        #expect(svg.contains("chained from Deferred #25657144 (inferred)"))
        #expect(svg.contains("times are inferred: reconstructed from durations"))
        #expect(!svg.contains("times are wall-clock"))
        #expect(!svg.contains("raised ?"))
        #expect(svg.contains("after __main__.problem the chain switches to errbacks (the log records no exception)"))
        // The link leaves from pair 4's row.
        let items = document.pages[0].items
        let link = try #require(
            items.compactMap { if case .line(let l) = $0, l.role == "link" { l } else { nil } }.first)
        let row4 = try #require(
            items.compactMap { if case .text(let t) = $0, t.role == "pair-index", t.text == "4" { t } else { nil } }
                .first)
        #expect(abs(link.points[0].y - (row4.y - 3.5)) < 0.01)
    }

    @Test("tree lists what was inferred and shows d2 under pair [4]")
    func tree() throws {
        let log = try LogLoader().load([TestInputs.path("reactor-track-chained.log")])
        let lines = TreeFormatter(color: false).format(log.chains).split(separator: "\n").map(String.init)
        let pair4 = try #require(lines.firstIndex { $0.contains("[4] twisted.internet.defer.Deferred.callback") })
        try #require(pair4 + 1 < lines.count)
        #expect(lines[pair4 + 1].hasPrefix("│       ↳ Deferred #25656712"))
        #expect(lines[pair4 + 1].hasSuffix("chained from Deferred #25657144 (inferred)"))
        let inferred = lines.filter { $0.contains("inferred, not recorded:") }
        #expect(inferred.count == 2)
        #expect(inferred.allSatisfy { $0.hasSuffix(Inference.list(Inference.allCases)) })
    }
}
