import EventLog
import Foundation
import Testing
import Visualize
import Chains

@Suite("Backends")
struct BackendTests {
    @Test("the SVG is well-formed XML with real text, escaped, and tooltips with the full exception")
    func svg() throws {
        let log = try LogLoader().load([TestInputs.path("waiting.out")])
        let output = TestInputs.temporaryFile("waiting.svg")
        try Renderer.render(log, chains: log.chains, to: output)
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        let (parsed, error) = SVGDocumentCounter.parse(data)
        let svg = try #require(parsed, "not well-formed: \(String(describing: error))")
        #expect(svg.rootAttributes["width"] == "1200")
        #expect((svg.elements["text"] ?? 0) > 40)
        #expect(svg.texts.contains("fetchUser #1"))
        #expect(svg.texts.contains { $0.contains("550 mailbox <a&b@example.com> \"unavailable\"") })
        #expect(svg.titles.contains { $0.contains("raised Mail.SMTPError: 550 mailbox <a&b@example.com> \"unavailable\"") })
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("&lt;a&amp;b@example.com&gt;"))
    }

    @Test("SVG escaping covers markup characters and drops characters XML forbids")
    func escaping() {
        #expect(SVGWriter.escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;")
        #expect(SVGWriter.escape("bell\u{7}nul\u{0}ok\tπ") == "bellnulok\tπ")
    }

    @Test("PNG and PDF are valid files of sensible size", arguments: ["mon.out", "twisted-eliot.log"])
    func pngAndPDF(input: String) throws {
        let log = try LogLoader().load([TestInputs.path(input)])
        let png = TestInputs.temporaryFile("out.png")
        let document = try #require(try Renderer.render(log, chains: log.chains, to: png))
        let pngData = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(Array(pngData.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect((10_000...5_000_000).contains(pngData.count))
        let width = pngData[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = pngData[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1200)
        #expect(height == Int(document.pages[0].height.rounded(.up)))

        let pdf = TestInputs.temporaryFile("out.pdf")
        let pdfDocument = try #require(try Renderer.render(log, chains: log.chains, to: pdf))
        let pdfData = try Data(contentsOf: URL(fileURLWithPath: pdf))
        #expect(String(decoding: pdfData.prefix(5), as: UTF8.self) == "%PDF-")
        #expect(String(decoding: pdfData.suffix(7), as: UTF8.self).contains("%%EOF"))
        #expect((5_000...5_000_000).contains(pdfData.count))
        let pages = String(decoding: pdfData, as: UTF8.self).components(separatedBy: "/Type /Page\n").count - 1
        let pageObjects = pages > 0 ? pages : String(decoding: pdfData, as: UTF8.self).components(separatedBy: "/Type /Page ").count - 1
        #expect(pageObjects == pdfDocument.pages.count || pdfDocument.pages.count >= 1)
        if input == "twisted-eliot.log" {
            #expect(pdfDocument.pages.count == 12)
            #expect(pdfDocument.pages[0].title == "Overview")
        }
    }

    @Test("a huge log stays within Cairo's limits: an overview with the rest summarised")
    func hugeLog() throws {
        var chains: [Chain] = []
        for i in 0..<30_000 {
            let start = 1_000.0 + Double(i) * 0.001
            let run = ChainRun(index: 0, name: (i % 500) % 7 == 0 ? "slowQuery" : "fetchUser", side: .callback, start: start, end: start + Double(i % 100) * 0.0001, outputSide: .callback)
            let pair = LadderPair(index: 0, callback: run.name, errback: nil, run: run, fate: .ran, pathIn: .callback, pathOut: .callback)
            chains.append(
                Chain(id: "task-\(i)", kind: .deferred, label: "chain\(i % 500)", deferredID: i, outcome: .succeeded, start: start, end: start + Double(i % 100) * 0.0001, firedAt: start, firedSide: .callback, pairs: [pair], file: "big.out", line: i + 1))
        }
        let log = TrackedLog(chains: chains, warnings: [], inputs: ["big.out"], formats: [.eliot], messageCount: 0, byteCount: 0)
        let document = DiagramLayout.layout(log, chains: chains, options: DiagramOptions(sourceNames: ["big.out"]), measurer: FixedWidthMeasurer())
        #expect(document.pages.count == 1)
        let page = document.pages[0]
        #expect(page.height < 16_000)
        let texts = page.items.compactMap { if case .text(let t) = $0 { t.text } else { nil } }
        #expect(texts.contains { $0.hasPrefix("… ") && $0.contains("more chains") })
        #expect(texts.contains { $0.contains("×60") })
        let png = TestInputs.temporaryFile("big.png")
        try CairoRenderer.writePNG(page, to: png)
        #expect(FileManager.default.fileExists(atPath: png))

        // Asking for every chain in detail still stays under the cap, and says what was left out.
        let detail = DiagramLayout.layout(log, chains: Array(chains.prefix(2_000)), options: DiagramOptions(view: .detail, sourceNames: ["big.out"]), measurer: FixedWidthMeasurer())
        #expect(detail.pages[0].height <= 16_000)
        let detailTexts = detail.pages[0].items.compactMap { if case .text(let t) = $0 { t.text } else { nil } }
        #expect(detailTexts.contains { $0.contains("more chains not shown") })
    }

    @Test("a PNG too large for Cairo is an error, never a blank image")
    func tooLarge() throws {
        let page = LayoutPage(title: "tall", width: 100, height: 40_000, items: [])
        let png = TestInputs.temporaryFile("tall.png")
        #expect(throws: RenderError.self) { try CairoRenderer.writePNG(page, to: png) }
        #expect(!FileManager.default.fileExists(atPath: png))
    }

    @Test("Cairo measures the same width on every call, and more for bold")
    func measuring() throws {
        let measurer = try CairoTextMeasurer()
        let regular = measurer.width(of: "simpleCallback", size: 11, style: .regular)
        #expect(regular > 40 && regular < 120)
        #expect(measurer.width(of: "simpleCallback", size: 11, style: .bold) > regular)
        #expect(measurer.fit("myapp.handlers.users.onUserCreated", size: 11, style: .mono, maxWidth: 120).contains("…"))
    }
}
