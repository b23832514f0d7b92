import Chains
@testable import Export
import Foundation
import Testing

/// Both exports are written a piece at a time (about a megabyte each) as they are made, so that an export of a
/// hundred thousand chains is never held whole: the pieces must be bounded, and add up to a whole, valid output
/// with every chain in it. (`ChromeTrace.json` and `OTLPJSON.lines` join the same pieces; the exports' own
/// suites check what the output says.)
@Suite("Exports written in pieces")
struct ExportPiecesTests {
    /// `count` chains, each linked to the next (flow arrows), each with a run.
    static func chains(_ count: Int) -> [Chain] {
        (1...count).map { i in
            let start = 1_795_431_274 + Double(i) * 1e-3
            let run = ChainRun(index: 0, name: "step \(i)", side: .callback, start: start, end: start + 5e-4)
            return Chain(
                id: "task-\(i)", kind: .deferred, label: "request \(i)", deferredID: i, outcome: .succeeded,
                start: start, end: start + 1e-3,
                pairs: [LadderPair(index: 0, callback: "step \(i)", errback: nil, run: run, fate: .ran)],
                links: i < count ? [ChainLink(kind: .chained, target: i + 1, pairIndex: 0, time: start)] : [],
                file: "pieces.out", line: i)
        }
    }

    @Test("the Chrome trace's pieces add up to the whole trace, each about a megabyte")
    func chrome() throws {
        let chains = Self.chains(4_000)
        var pieces: [[UInt8]] = []
        ChromeTrace.write(chains, inputs: ["pieces.out"]) { pieces.append($0) }
        #expect(pieces.count > 1)
        #expect(pieces.dropLast().allSatisfy { $0.count >= ExportPieces.size && $0.count < 2 * ExportPieces.size })
        let object = try JSONSerialization.jsonObject(with: Data(Array(pieces.joined()))) as? [String: Any]
        let events = try #require(object?["traceEvents"] as? [[String: Any]])
        let runs = events.filter { ($0["name"] as? String)?.hasPrefix("step ") == true && $0["ph"] as? String == "X" }
        #expect(runs.count == chains.count)
        #expect(events.count { $0["ph"] as? String == "s" } == chains.count - 1)
    }

    @Test("the OTLP lines' pieces add up to the whole, each of whole lines")
    func otlp() throws {
        let batches = OTLPMapping.batches(Self.chains(4_000), inputs: ["pieces.out"])
        var pieces: [[UInt8]] = []
        OTLPJSON.write(batches, scopeVersion: "test") { pieces.append($0) }
        #expect(pieces.count > 1)
        #expect(pieces.dropLast().allSatisfy { $0.count >= ExportPieces.size && $0.count < 2 * ExportPieces.size })
        #expect(pieces.allSatisfy { $0.last == 0x0A })
        var spans = 0
        for line in Array(pieces.joined()).split(separator: 0x0A) {
            let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            let resource = try #require((object?["resourceSpans"] as? [[String: Any]])?.first)
            let scope = try #require((resource["scopeSpans"] as? [[String: Any]])?.first)
            spans += (scope["spans"] as? [Any])?.count ?? 0
        }
        #expect(spans == batches.reduce(0) { $0 + $1.spans.count } && spans >= 8_000)
    }
}
