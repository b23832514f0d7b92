import EventLog
import Foundation
import Testing
import Chains

@Suite("Streaming: chains as their tasks complete")
struct StreamingTests {
    static let inputs: [[String]] = [
        ["mon.out"], ["waiting.out"], ["twisted-eliot.log"], ["reactor-track.log"], ["mon.out", "waiting.out"],
        ["waiting.out", "reactor-track.log", "mon.out"], ["reactor-track-chained.log"], ["dropped.out"],
    ] + [
        "blank-line.log", "dropped-message-gap.log", "duplicate-line.log", "missing-start-message.log",
        "missing-timestamp.log", "not-json-line.log", "shuffled.log", "truncated-at-line-boundary.log",
        "truncated-mid-line.log", "wrong-end-action-type.log",
    ].map { ["broken/\($0)"] }

    func stream(_ paths: [String], loader: LogLoader = LogLoader()) throws -> (TrackedLog, [(Chain, Int)]) {
        var chains: [(Chain, Int)] = []
        let log = try loader.stream(paths) { chains.append(($0, $1)) }
        return (log, chains)
    }

    @Test("the chains, in order of their ordinals, and the warnings are those of load", arguments: inputs)
    func sameAsLoad(_ names: [String]) throws {
        let paths = names.map(TestInputs.path)
        let whole = try LogLoader().load(paths)
        let (log, chains) = try stream(paths)
        #expect(log.chains.isEmpty)
        #expect(Set(chains.map(\.1)).count == chains.count, "ordinals are distinct")
        #expect(chains.sorted { $0.1 < $1.1 }.map(\.0) == whole.chains)
        #expect(Set(log.warnings.map(\.description)) == Set(whole.warnings.map(\.description)))
        #expect(log.warnings.count == whole.warnings.count)
        #expect(log.messageCount == whole.messageCount && log.inputs == whole.inputs && log.formats == whole.formats)
    }

    @Test("a message after its task was handed out is a task of its own, with a warning at its line")
    func lateMessage() throws {
        let path = TestInputs.path("broken/late-message-after-end.log")
        let whole = try LogLoader().load([path])
        let (log, chains) = try stream([path])
        #expect(chains.count == whole.chains.count + 1)
        #expect(log.warnings.map(\.line) == [64])
        #expect(log.warnings.first?.code == .missingStart)
    }

    @Test("an input that cannot be opened fails before any chain is handed out")
    func unreadableFirst() {
        var handed = 0
        #expect(throws: ReportError.self) {
            try LogLoader().stream([TestInputs.path("mon.out"), TestInputs.path("no-such-file.out")]) { _, _ in handed += 1 }
        }
        #expect(handed == 0)
    }

    @Test("the summary is the same whatever order the chains come in", arguments: inputs)
    func summaryOrder(_ names: [String]) throws {
        let paths = names.map(TestInputs.path)
        let whole = try LogLoader().load(paths)
        let expected = LogSummary(whole, top: 3)
        let (log, chains) = try stream(paths)
        var random = SystemRandomNumberGenerator()
        for order in [chains, chains.reversed(), chains.shuffled(using: &random)] {
            var accumulator = SummaryAccumulator(top: 3)
            for (chain, ordinal) in order { accumulator.add(chain, ordinal: ordinal) }
            let summary = accumulator.summary(inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count)
            #expect(summary == expected)
        }
    }

    @Test("reading only SummaryAccumulator.fieldsUsed gives the same summary", arguments: inputs)
    func summaryFields(_ names: [String]) throws {
        let paths = names.map(TestInputs.path)
        let expected = LogSummary(try LogLoader().load(paths))
        var loader = LogLoader()
        loader.keptFields = SummaryAccumulator.fieldsUsed
        var accumulator = SummaryAccumulator()
        let log = try loader.stream(paths) { accumulator.add($0, ordinal: $1) }
        #expect(accumulator.summary(inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count) == expected)
    }

    @Test("families stream out whole: the same families as grouping the whole log", arguments: inputs)
    func families(_ names: [String]) throws {
        let paths = names.map(TestInputs.path)
        let expected = ChainFamily.group(try LogLoader().load(paths).chains)
        let (_, chains) = try stream(paths)
        var families = ChainFamilyStream()
        var streamed: [ChainFamily] = []
        for (chain, ordinal) in chains { streamed += families.add(chain, ordinal: ordinal) }
        streamed += families.finish()
        #expect(families.heldCount == 0)
        #expect(streamed.count == expected.count)
        #expect(Set(streamed) == Set(expected))
    }

    /// A Deferred chain with links, for the family tests.
    func deferred(_ id: Int, links: [Int] = [], chained: Bool = false) -> Chain {
        Chain(
            id: "t\(id)", kind: .deferred, label: "d", deferredID: id, trackedBy: chained ? "chained" : "user",
            outcome: .succeeded, start: 0, end: 1,
            links: links.map { ChainLink(kind: .waitedOn, target: $0, pairIndex: nil, time: nil) }, file: "f", line: id)
    }

    @Test("a family waits for its last member, whichever comes last")
    func familyWaits() {
        var stream = ChainFamilyStream()
        // The child first (held: tracked because it was chained), then its parent.
        #expect(stream.add(deferred(2, chained: true), ordinal: 1).isEmpty)
        let first = stream.add(deferred(1, links: [2]), ordinal: 0)
        #expect(first.map { $0.members.map(\.chain.deferredID) } == [[1, 2]])
        // The parent first (held: its child is missing), then a grandchild chain, then the child.
        #expect(stream.add(deferred(3, links: [4]), ordinal: 2).isEmpty)
        #expect(stream.add(deferred(5, chained: true), ordinal: 4).isEmpty)
        #expect(stream.add(deferred(4, links: [5], chained: true), ordinal: 3).map { $0.members.map(\.depth) } == [[0, 1, 2]])
        // Action trees are families of their own at once; a link to a chain that never comes waits for finish.
        #expect(stream.add(Chain(id: "a", kind: .action, label: "a", outcome: .succeeded, start: 0, end: 1, file: "f", line: 9), ordinal: 5).count == 1)
        #expect(stream.add(deferred(6, links: [99]), ordinal: 6).isEmpty)
        #expect(stream.heldCount == 1)
        #expect(stream.finish().map { $0.members.map(\.chain.deferredID) } == [[6]])
    }
}
