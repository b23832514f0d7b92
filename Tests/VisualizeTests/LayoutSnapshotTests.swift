import Foundation
import Testing
import Visualize
import Chains

/// The layout model, dumped as text with a font-independent measurer, against checked-in expectations.
/// Set `REACTORTRACK_RECORD=1` to rewrite the expectations after an intended change.
@Suite("Layout snapshots")
struct LayoutSnapshotTests {
    @Test(
        "the layout matches its snapshot",
        arguments: [
            ("seed", "mon.out", DiagramOptions.View.auto), ("waiting", "waiting.out", .auto),
            ("reactor-track", "reactor-track.log", .auto), ("twisted-eliot", "twisted-eliot.log", .detail),
            ("twisted-eliot-overview", "twisted-eliot.log", .overview),
            ("reactor-track-chained", "reactor-track-chained.log", .auto), ("dropped-overview", "dropped.out", .overview),
        ])
    func layout(name: String, input: String, view: DiagramOptions.View) throws {
        let log = try LogLoader().load([TestInputs.path(input)])
        let options = DiagramOptions(view: view, sourceNames: [input], warningCount: log.warnings.count)
        let document = DiagramLayout.layout(log, chains: log.chains, options: options, measurer: FixedWidthMeasurer())
        // Tooltips name the input file; keep the checked-in dump independent of where the repo is cloned.
        // The snapshots name the inputs' folder Inputs/, wherever the fixtures are kept.
        let dump = LayoutDump.text(document).replacingOccurrences(of: TestInputs.fixturesDirectory, with: "Inputs/")
        let url = TestInputs.snapshot(name)
        if ProcessInfo.processInfo.environment["REACTORTRACK_RECORD"] != nil {
            try dump.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if dump != expected {
            let got = dump.split(separator: "\n", omittingEmptySubsequences: false)
            let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
            Issue.record(
                """
                layout of \(input) differs from \(url.lastPathComponent) at line \(first + 1):
                  expected: \(first < want.count ? String(want[first]) : "<end>")
                  actual:   \(first < got.count ? String(got[first]) : "<end>")
                """)
        }
    }

    @Test("the seed layout shows the path switching to errbacks at problem and back at simpleErrback")
    func seedPath() throws {
        let log = try LogLoader().load([TestInputs.path("mon.out")])
        let document = DiagramLayout.layout(log, chains: log.chains, options: DiagramOptions(), measurer: FixedWidthMeasurer())
        let texts = document.pages[0].items.compactMap { item -> LayoutText? in
            if case .text(let t) = item { return t }
            return nil
        }
        let crossings = texts.filter { $0.role == "crossing-text" }.map(\.text)
        #expect(crossings == ["✗ Problem", "✓ recovered"])
        #expect(texts.contains { $0.role == "chain-title" && $0.text == "d #1" })
        #expect(texts.contains { $0.role == "chain-title" && $0.text == "d2 #2" })
        #expect(texts.contains { $0.role == "run-label" && $0.text == "1.00 s" })
        let links = document.pages[0].items.filter { if case .line(let l) = $0 { l.role == "link" } else { false } }
        #expect(links.count == 1)
    }
}
