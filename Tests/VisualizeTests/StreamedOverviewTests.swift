import Chains
import EventLog
import Testing
import TestSupport
import Visualize

/// `render`'s overview folded while the log streams past (``OverviewAccumulator``) is the page the whole log gives:
/// the same groups, representatives, samples, percentiles and summary lines, whatever order chains come in.
@Suite("Streamed overview")
struct StreamedOverviewTests {
    /// Every fixture log that loads (the broken ones' warnings included).
    static let logs: [String] = TestFixtures.all.filter { path in
        (path.hasSuffix(".log") || path.hasSuffix(".out")) && (try? LogLoader().load([path])) != nil
    }

    static func options(_ log: TrackedLog, sort: DiagramOptions.Sort) -> DiagramOptions {
        DiagramOptions(view: .overview, sort: sort, sourceNames: log.inputs, warningCount: log.warnings.count)
    }

    /// The overview of the whole log, loaded, as `render` drew it before it streamed.
    static func whole(_ path: String, sort: DiagramOptions.Sort) throws -> LayoutDocument {
        let log = try LogLoader().load([path])
        return DiagramLayout.layout(log, chains: log.chains, options: options(log, sort: sort), measurer: FixedWidthMeasurer())
    }

    /// The chains a stream hands out (a message after its task ended starts a new task, as in eliot.parse), in
    /// first-message order, read with every field.
    static func streamedChains(_ path: String) throws -> TrackedLog {
        var chains: [(Chain, Int)] = []
        var log = try LogLoader().stream([path]) { chains.append(($0, $1)) }
        log.chains = chains.sorted { $0.1 < $1.1 }.map(\.0)
        return log
    }

    @Test("streamed with only the fields it reads, the overview is the one its chains give when all are held", arguments: logs)
    func streamed(path: String) throws {
        let whole = try Self.streamedChains(path)
        for sort in DiagramOptions.Sort.allCases {
            var loader = LogLoader()
            loader.keptFields = OverviewAccumulator.fieldsUsed
            var overview = OverviewAccumulator()
            let log = try loader.stream([path]) { overview.add($0, ordinal: $1) }
            let figures = overview.figures(inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count)
            let streamed = DiagramLayout.overview(figures, options: Self.options(log, sort: sort), measurer: FixedWidthMeasurer())
            let expected = DiagramLayout.layout(
                whole, chains: whole.chains, options: Self.options(whole, sort: sort), measurer: FixedWidthMeasurer())
            #expect(streamed == expected, "\(path), sorted by \(sort)")
        }
    }

    @Test("a log whose tasks all end once streams to the overview of the whole log loaded", arguments: logs)
    func loaded(path: String) throws {
        let loaded = try LogLoader().load([path])
        let streamed = try Self.streamedChains(path)
        guard streamed.chains.map(\.id) == loaded.chains.map(\.id) else { return }
        var overview = OverviewAccumulator()
        for (ordinal, chain) in streamed.chains.enumerated() { overview.add(chain, ordinal: ordinal) }
        let figures = overview.figures(
            inputs: streamed.inputs, messages: streamed.messageCount, warnings: streamed.warnings.count)
        let page = DiagramLayout.overview(figures, options: Self.options(streamed, sort: .duration), measurer: FixedWidthMeasurer())
        #expect(page == (try Self.whole(path, sort: .duration)), "\(path)")
    }

    @Test("chains handed out of order give the figures of first-message order", arguments: logs)
    func outOfOrder(path: String) throws {
        let log = try LogLoader().load([path])
        // Reversed: every group's first chain comes last, and the groups' order must be put back.
        var overview = OverviewAccumulator()
        for (ordinal, chain) in log.chains.enumerated().reversed() { overview.add(chain, ordinal: ordinal) }
        let figures = overview.figures(inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count)
        let reversed = DiagramLayout.overview(figures, options: Self.options(log, sort: .start), measurer: FixedWidthMeasurer())
        #expect(reversed == (try Self.whole(path, sort: .start)), "\(path)")
    }

    @Test("identical chains are one row, stood for by its first chain, drawn by its median (the lower one of an even count)")
    func groups() throws {
        let log = try LogLoader().load([TestInputs.path("concurrent-clients.log")])
        let signatures = log.chains.map(\.signature)
        let big = try #require(Dictionary(grouping: signatures.indices, by: { signatures[$0] }).values.max { $0.count < $1.count })
        #expect(big.count >= 4)
        // Every chain but the group's first (so its count is even) and backwards: the second stands for it.
        var overview = OverviewAccumulator()
        for (ordinal, chain) in log.chains.enumerated().reversed() where ordinal != big[0] {
            overview.add(chain, ordinal: ordinal)
        }
        let figures = overview.figures(inputs: log.inputs, messages: log.messageCount, warnings: 0)
        #expect(figures.chainCount == log.chains.count - 1)
        #expect(figures.groups.reduce(0) { $0 + $1.count } == figures.chainCount)
        let group = try #require(figures.groups.first { $0.count == big.count - 1 })
        #expect(group.id == log.chains[big[1]].id)
        #expect(group.members.map(\.ordinal) == Array(big.dropFirst()))
        let durations = big.dropFirst().map { log.chains[$0].duration }.sorted()
        #expect(Set(durations).count > 1)
        #expect(group.sample.duration == durations[(durations.count - 1) / 2])
        #expect(group.durations.max == durations.last)
        #expect(group.minDuration == durations.first)
        #expect(group.label == "\(log.chains[big[1]].label) ×\(big.count - 1)")
    }

    @Test("markers of dropped events are counted, not drawn")
    func dropped() throws {
        let log = try LogLoader().load([TestInputs.path("dropped.out")])
        var overview = OverviewAccumulator()
        for (ordinal, chain) in log.chains.enumerated() { overview.add(chain, ordinal: ordinal) }
        let figures = overview.figures(inputs: log.inputs, messages: log.messageCount, warnings: 0)
        #expect(figures.droppedEvents == log.droppedEvents())
        #expect(figures.droppedEvents > 0)
        #expect(figures.chainCount == log.chains.count { !$0.isDropMarker })
    }
}
