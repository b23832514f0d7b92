import Chains
import EventLog
import Testing
import Visualize

/// The overview page as a layout model: its legend, its summary lines, failure labels and the dropped-events
/// warning.
@Suite("Overview layout")
struct OverviewLayoutTests {
    static func overview(_ log: TrackedLog, chains: [Chain]? = nil) -> LayoutPage {
        let options = DiagramOptions(view: .overview, sourceNames: log.inputs)
        return DiagramLayout.layout(log, chains: chains ?? log.chains, options: options, measurer: FixedWidthMeasurer())
            .pages[0]
    }

    static func texts(_ page: LayoutPage, role: String? = nil) -> [LayoutText] {
        page.items.compactMap { if case .text(let t) = $0, role == nil || t.role == role { t } else { nil } }
    }

    static func boxes(_ page: LayoutPage, role: String) -> [LayoutBox] {
        page.items.compactMap { if case .box(let b) = $0, b.role == role { b } else { nil } }
    }

    @Test("the legend names every part of the bars drawn: running, waiting, the pale rest, open, failed")
    func legend() throws {
        let log = try LogLoader().load([TestInputs.path("waiting.out")])
        let page = Self.overview(log)
        let legend = Self.texts(page, role: "legend").map(\.text)
        #expect(!Self.boxes(page, role: "bar-idle").isEmpty)
        #expect(legend.contains("neither in a callback nor waiting (before it fired, between callbacks)"))
        #expect(!Self.boxes(page, role: "bar-waiting").isEmpty)
        #expect(legend.contains("waiting on another Deferred"))
        #expect(legend.contains("in callbacks"))
        #expect(legend.contains("open at end of log"))
        #expect(legend.contains("failed (red end)"))
        // Only parts that appear: no group of identical chains, so no whisker.
        #expect(!legend.contains("identical chains: shortest to longest"))
        #expect(!Self.texts(page, role: "footer").contains { $0.text.contains("bars: running solid") })
    }

    @Test("a log without Deferred chains says nothing of time in callbacks, and lone messages have no bar of 0 s")
    func plainEliot() throws {
        let log = try LogLoader().load([TestInputs.path("twisted-eliot.log")])
        let page = Self.overview(log)
        #expect(!Self.texts(page).contains { $0.text.contains("in callbacks") })
        #expect(Self.boxes(page, role: "split-running").isEmpty)
        #expect(Self.texts(page, role: "messages").map(\.text) == ["63 messages · no Deferred chains"])
        #expect(Self.boxes(page, role: "bar-message").count == 3)
        #expect(!Self.texts(page, role: "bar-label").contains { $0.text == "0 s" })
        #expect(Self.texts(page, role: "legend").map(\.text).contains("action tree, start to end"))
    }

    @Test("a failure on a bar that leaves no room to its right gets a line of its own, type and reason in full")
    func failureOnFullWidthBar() throws {
        let reason = "client went away before the reply was written (connection reset by peer)"
        func chain(_ id: String, _ duration: Double, _ outcome: ChainOutcome) -> Chain {
            Chain(
                id: id, kind: .action, label: "echo:\(id)", outcome: outcome, start: 100, end: 100 + duration,
                file: "echo.log", line: 1)
        }
        let chains = [
            chain("serve", 2, .failed(exception: "echo.errors.ClientGone", reason: reason)),
            chain("read", 0.2, .failed(exception: "echo.errors.ClientGone", reason: "mid-line")),
            chain("accept", 0.4, .succeeded),
        ]
        let log = TrackedLog(
            chains: chains, warnings: [], inputs: ["echo.log"], formats: [.eliot], messageCount: 6, byteCount: 0)
        let page = Self.overview(log)
        let failures = Self.texts(page, role: "bar-failure-text")
        #expect(failures.map(\.text) == ["✗ ClientGone: \(reason)", "✗ ClientGone: mid-line"])
        let bars = Self.boxes(page, role: "bar-running")
        let labels = Self.texts(page, role: "bar-label")
        try #require(failures.count == 2 && bars.count == 3 && labels.count == 3)
        // The slowest bar spans the axis: its failure goes on the line below the bar, from the axis' left edge.
        #expect(failures[0].y > bars[0].rect.y + bars[0].rect.height + 8)
        #expect(failures[0].x == bars[0].rect.x)
        #expect(labels[0].text == "2.00 s")
        // A short bar keeps it on its own line, right of the duration.
        #expect(failures[1].y == labels[2].y && failures[1].x > labels[2].x)
        // The rows below move down to make room: no row overlaps the failure line.
        #expect(bars[1].rect.y > failures[0].y)
    }

    @Test("the monitor's dropped-events marker is a warning on every page and in tree, not a chain")
    func droppedMarker() throws {
        let log = try LogLoader().load([TestInputs.path("dropped.out")])
        let marker = try #require(log.chains.first { $0.label == "reactortrack:dropped" })
        #expect(marker.droppedEvents == 1873)
        #expect(log.droppedEvents() == 1873)
        let warning =
            "⚠ the monitor dropped 1873 events (its bounded buffer was full): chains may be missing or cut short"
        let overview = Self.overview(log)
        #expect(Self.texts(overview, role: "dropped-text").map(\.text) == [warning])
        #expect(!Self.texts(overview, role: "chain-name").contains { $0.text.contains("reactortrack:dropped") })
        #expect(!Self.texts(overview, role: "chip-text").contains { $0.text.contains("message") })
        #expect(Self.texts(overview, role: "title").first?.text.hasPrefix("Overview · 4 chains") == true)
        // A selection that leaves the marker out still shows the warning.
        let failed = ChainSelection(failedOnly: true).apply(to: log.chains)
        let detail = DiagramLayout.layout(
            log, chains: failed, options: DiagramOptions(view: .detail), measurer: FixedWidthMeasurer()
        ).pages[0]
        #expect(Self.texts(detail, role: "dropped-text").map(\.text) == [warning])
        #expect(!Self.texts(detail, role: "chain-title").contains { $0.text.contains("dropped") })
        let tree = TreeFormatter(color: false).format(log.chains)
        #expect(tree.hasPrefix(warning + "\n"))
        #expect(!tree.contains("reactortrack:dropped"))
        // A log without the marker has no warning.
        let plain = try LogLoader().load([TestInputs.path("waiting.out")])
        #expect(Self.texts(Self.overview(plain), role: "dropped-text").isEmpty)
    }
}
