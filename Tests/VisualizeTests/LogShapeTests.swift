import Chains
import EventLog
import Foundation
import TestSupport
import Testing
import Visualize

/// The log shapes of issue #22 that crashed the views (recursion over a family) or made them quadratic: a line of
/// Deferreds each linked to the next, a fan-out and a fan-in, for each kind of link. A crash is the test failing.
@Suite("Log shapes: long lines, wide fans, deep tasks")
struct LogShapeTests {
    static let kinds: [ChainLink.Kind] = [.chained, .waitedOn, .returned]
    /// How many Deferreds a shape has: 20,000, or 2,000 under the thread sanitizer, where these single-threaded
    /// model walks have no threads for it to check and were among its slowest tests (with them smaller the TSan
    /// suite took 487 s here, against 562 s in CI before); any size above `ChainFamily.indentLimit` takes every
    /// path.
    static let size = TestProcess.underThreadSanitizer ? 2_000 : 20_000

    /// Deferred `id`'s chain: one pair per link (each run inside the previous one's time, as a chained
    /// Deferred's callbacks run inside `chainDeferred`'s run), and a link from each.
    static func chain(_ id: Int, links: [Int], kind: ChainLink.Kind, start: Double, trackedBy: String = "user") -> Chain {
        let pairs = links.isEmpty ? [0] : Array(links.indices)
        return Chain(
            id: "task-\(id)", kind: .deferred, label: "d\(id)", deferredID: id, trackedBy: trackedBy,
            outcome: .succeeded, start: start, end: start + 2, firedAt: start, firedSide: .callback,
            pairs: pairs.map { i in
                LadderPair(
                    index: i, callback: "cb\(i)", errback: nil,
                    run: ChainRun(index: i, name: "cb\(i)", side: .callback, start: start, end: start + 1), fate: .ran)
            },
            links: links.enumerated().map { i, target in ChainLink(kind: kind, target: target, pairIndex: i, time: start) },
            file: "shape.out", line: id)
    }

    /// Deferred 1 linked to 2, 2 to 3, ... `n` of them; each one's run lies within the one before's.
    static func line(_ kind: ChainLink.Kind, _ n: Int) -> [Chain] {
        (1...n).map { i in
            var chain = chain(
                i, links: i < n ? [i + 1] : [], kind: kind, start: Double(i) * 1e-6, trackedBy: i == 1 ? "user" : "chained")
            chain.pairs[0].run?.end = Double(2 * n - i) * 1e-6
            return chain
        }
    }

    /// Deferred 1 linked to each of `n` others.
    static func fanOut(_ kind: ChainLink.Kind, _ n: Int) -> [Chain] {
        [chain(1, links: Array(2..<n + 2), kind: kind, start: 0)]
            + (2..<n + 2).map { chain($0, links: [], kind: kind, start: Double($0), trackedBy: "chained") }
    }

    /// `n` Deferreds each linked to Deferred 1, which comes first.
    static func fanIn(_ kind: ChainLink.Kind, _ n: Int) -> [Chain] {
        [chain(1, links: [], kind: kind, start: 0, trackedBy: "chained")]
            + (2..<n + 2).map { chain($0, links: [1], kind: kind, start: Double($0)) }
    }

    /// The families a stream hands out, the chains added in order.
    static func streamed(_ chains: [Chain]) -> [ChainFamily] {
        var stream = ChainFamilyStream()
        var families: [ChainFamily] = []
        for (i, chain) in chains.enumerated() { families += stream.add(chain, ordinal: i) }
        return families + stream.finish()
    }

    @Test("a line of 20,000 (2,000 under TSan) linked Deferreds is one family, streamed and drawn as a tree without recursion", arguments: kinds)
    func longLine(_ kind: ChainLink.Kind) throws {
        let n = Self.size
        let chains = Self.line(kind, n)
        let families = ChainFamily.group(chains)
        try #require(families.count == 1)
        let family = families[0]
        #expect(family.members.map(\.chain.deferredID) == chains.map(\.deferredID))
        #expect(family.members.map(\.depth) == Array(0..<n))
        #expect(family.parents == [nil] + (0..<n - 1).map { $0 })
        #expect(Self.streamed(chains) == families)
        let tree = TreeFormatter(color: false).format(family)
        let lines = tree.split(separator: "\n")
        // Every chain's header, the deepest with its depth written out at the indent limit's pad.
        #expect(lines.filter { $0.contains("✓ succeeded") }.count == n)
        let pad = String(repeating: "│       ", count: ChainFamily.indentLimit)
        let last = try #require(lines.last { $0.contains("d\(n) #\(n)") })
        #expect(last.hasPrefix(pad + "↳ (depth \(n - 1)) d\(n)"))
        #expect(lines.allSatisfy { $0.utf8.count < pad.utf8.count + 300 })
        // Each run holds the next chain's: its own time is what lies outside it, 2 µs.
        let first = try #require(lines.first { $0.contains("[0] cb0") })
        #expect(first.contains("(self 2.00 µs)"))
    }

    @Test("a fan-out and a fan-in of 20,000 (2,000 under TSan) are grouped and streamed as the whole log groups them", arguments: kinds)
    func wideFans(_ kind: ChainLink.Kind) throws {
        let n = Self.size
        let out = Self.fanOut(kind, n)
        let outFamilies = ChainFamily.group(out)
        try #require(outFamilies.count == 1)
        #expect(outFamilies[0].members.count == n + 1)
        #expect(outFamilies[0].parents.dropFirst().allSatisfy { $0 == 0 })
        #expect(Self.streamed(out) == outFamilies)
        let tree = TreeFormatter(color: false).format(outFamilies[0])
        // Each linked chain comes under the pair it is linked from.
        let lines = tree.split(separator: "\n")
        let pairLine = try #require(lines.firstIndex { $0.hasPrefix("├── [7] cb7") })
        #expect(lines[pairLine + 1].hasPrefix("│       ↳ d9 #9"))

        let into = Self.fanIn(kind, n)
        let inFamilies = ChainFamily.group(into)
        // The first chain linked to Deferred 1 takes it; the others are families of their own.
        #expect(inFamilies.count == n)
        #expect(inFamilies[0].members.map(\.chain.deferredID) == [2, 1])
        #expect(Self.streamed(into) == inFamilies)
        #expect(inFamilies.map { TreeFormatter(color: false).format($0) }.joined().split(separator: "\n").count > 2 * n)
    }

    @Test("a line of 20,000 (2,000 under TSan) is laid out for PDF on a page of bounded size, deepest chains at the indent limit")
    func lineLayout() throws {
        let n = Self.size
        let chains = Self.line(.chained, n)
        let log = TrackedLog(chains: chains, warnings: [], inputs: ["shape.out"], formats: [], messageCount: n, byteCount: 0)
        let options = DiagramOptions(view: .detail, paginated: true, sourceNames: ["shape.out"])
        let document = DiagramLayout.layout(log, chains: chains, options: options, measurer: FixedWidthMeasurer())
        let page = try #require(document.pages.last)
        let texts = page.items.compactMap { item -> LayoutText? in
            if case .text(let text) = item { return text }
            return nil
        }
        let titles = texts.filter { $0.role == "chain-title" }
        // Drawn down to the height cap, the rest counted.
        #expect(page.height <= options.maxPageHeight + 200)
        try #require(titles.count > ChainFamily.indentLimit + 1 && titles.count < n)
        #expect(texts.contains { $0.role == "more" && $0.text.hasPrefix("… \(n - titles.count) more linked chains") })
        let deep = ChainFamily.indentLimit + 1
        #expect(titles[deep].text == "d\(deep + 1) #\(deep + 1) (depth \(deep))")
        #expect(titles[deep - 1].text == "d\(deep) #\(deep)")
        #expect(Set(titles[ChainFamily.indentLimit...].map(\.x)).count == 1)
        #expect(titles[ChainFamily.indentLimit].x > titles[ChainFamily.indentLimit - 1].x)
    }
}
