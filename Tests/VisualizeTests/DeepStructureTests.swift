import Chains
import EventLog
import Foundation
import Testing
import Visualize

/// Action trees as deep as the reader takes (`task_level` of 1,000 levels), one deeper, and the self times of
/// families whose runs nest, follow, touch or overlap.
@Suite("Deep tasks and nested times")
struct DeepStructureTests {
    /// A task of actions nested `depth` deep: the action at depth d starts at [2]*d + [1] and ends at [2]*d + [3];
    /// the innermost holds one message.
    static func nestedTask(_ uuid: String, depth: Int, time: inout Double) -> [String] {
        func level(_ d: Int, _ last: Int) -> String { "[" + (Array(repeating: "2", count: d) + ["\(last)"]).joined(separator: ",") + "]" }
        func line(_ level: String, _ rest: String) -> String {
            time += 1e-6
            return #"{"task_uuid":"\#(uuid)","task_level":\#(level),"timestamp":\#(time),\#(rest)}"#
        }
        var lines = (0..<depth).map { line(level($0, 1), #""action_type":"app:level","action_status":"started""#) }
        lines.append(line(level(depth - 1, 2), #""message_type":"app:leaf""#))
        lines += (0..<depth).reversed().map { line(level($0, 3), #""action_type":"app:level","action_status":"succeeded""#) }
        return lines
    }

    @Test("a task 1,000 levels deep is read and drawn; a line deeper than that is a warning naming it, and the rest is read")
    func deepTask() throws {
        var time = 1795431274.0
        let before = #"{"task_uuid":"aaaaaaaa-0000-4000-8000-000000000001","task_level":[1],"timestamp":1795431273.0,"message_type":"app:before"}"#
        let deep = Self.nestedTask("bbbbbbbb-0000-4000-8000-000000000002", depth: 1000, time: &time)
        let tooDeep = Self.nestedTask("cccccccc-0000-4000-8000-000000000003", depth: 1001, time: &time)
        let after = #"{"task_uuid":"dddddddd-0000-4000-8000-000000000004","task_level":[1],"timestamp":1795431275.0,"message_type":"app:after"}"#
        let lines = [before] + deep + tooDeep + [after]
        let path = TestInputs.temporaryFile("deep.log")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let log = try LogLoader().load([path])
        // The lines of the 1,001st level (its start, its leaf, its end) are the ones refused, each named.
        func levels(_ line: String) -> Int {
            let level = line.utf8.drop { $0 != UInt8(ascii: "[") }.prefix { $0 != UInt8(ascii: "]") }
            return level.count { $0 == UInt8(ascii: ",") } + 1
        }
        let refused = lines.indices.filter { levels(lines[$0]) > 1000 }.map { $0 + 1 }
        let named = log.warnings.filter { $0.message.contains("task_level deeper than 1000") }.compactMap(\.line)
        #expect(named == refused && refused.count == 3, "\(log.warnings.prefix(5))")
        #expect(log.chains.contains { $0.label == "app:before" } && log.chains.contains { $0.label == "app:after" })
        let deepChain = try #require(log.chains.first { $0.id == "bbbbbbbb-0000-4000-8000-000000000002" })
        #expect(deepChain.spans.count == 1001)
        #expect(deepChain.spans.map(\.depth).max() == 1000)
        let tree = TreeFormatter(color: false, timestamps: false).format(deepChain.isDeferred ? [] : [deepChain])
        // Each action's start and end, and the leaf, in an eliot-tree outline whose prefix grows 4 a level.
        let treeLines = tree.split(separator: "\n")
        let leaf = try #require(treeLines.first { $0.contains("app:leaf") })
        #expect(leaf.hasPrefix("    " + String(repeating: "│   ", count: 999) + "├── app:leaf"))
        #expect(treeLines.filter { $0.contains("app:level") }.count == 2000 + 1)
    }

    /// A family of `count` chains whose runs are drawn from `random`: nested, one after another, touching,
    /// repeated, zero-length, some overlapping.
    static func family(_ random: inout SystemRandomNumberGenerator, count: Int, overlapping: Bool) -> ChainFamily {
        var chains: [Chain] = []
        var intervals: [(Double, Double)] = [(0, 64)]
        for i in 0..<count {
            var pairs: [LadderPair] = []
            for p in 0..<Int.random(in: 1...4, using: &random) {
                let (outerStart, outerEnd) = intervals.randomElement(using: &random)!
                var start = outerStart + Double(Int.random(in: 0...4, using: &random)) * (outerEnd - outerStart) / 8
                var end = start + Double(Int.random(in: 0...4, using: &random)) * (outerEnd - start) / 4
                if overlapping && Bool.random(using: &random) { end += 3 }
                if Int.random(in: 0..<6, using: &random) == 0 { (start, end) = (outerStart, outerEnd) }
                intervals.append((start, end))
                pairs.append(
                    LadderPair(
                        index: p, callback: "cb", errback: nil,
                        run: ChainRun(index: p, name: "cb", side: .callback, start: start, end: end)))
            }
            // Ids repeat (a task's chains share its id): a chain's own runs do not count.
            chains.append(
                Chain(
                    id: "c\(i % max(1, count - 1))", kind: .deferred, label: "d", deferredID: i, outcome: .succeeded,
                    start: 0, end: 64, pairs: pairs,
                    links: i == 0 ? (1..<count).map { ChainLink(kind: .chained, target: $0, pairIndex: nil, time: nil) } : [],
                    file: "one.out", line: i))
        }
        // The first chain links to every other one: one family.
        return ChainFamily.group(chains)[0]
    }

    @Test("NestedTimes says what ChainFamily.nestedTime says, for every run of random families", arguments: [false, true])
    func nestedTimes(overlapping: Bool) throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let family = Self.family(&random, count: Int.random(in: 1...9, using: &random), overlapping: overlapping)
            let nested = NestedTimes(family)
            for member in family.members {
                for pair in member.chain.pairs {
                    let run = try #require(pair.run)
                    let expected = family.nestedTime(in: run, of: member.chain)
                    let found = nested.time(in: run, of: member.chain)
                    #expect(
                        found.map { abs($0 - (expected ?? .nan)) < 1e-9 } ?? (expected == nil),
                        "\(run.start!)–\(run.end!) of \(member.chain.id): \(String(describing: found)), not \(String(describing: expected))")
                }
            }
        }
    }
}
