// A libFuzzer target: bytes as a log (`-`, so format detection runs too), through reading and grouping both
// ways, the chain model, summaries, the terminal tree, the layout and the SVG writer, the HTML report's data and
// the exports (Chrome trace, OTLP JSON and protobuf). Any trap is a crash.
// Built with `-sanitize=fuzzer,address` by `make fuzz`; `make test` replays the corpus under Fuzz/Corpus.
import Chains
import Export
import Visualize

@_cdecl("LLVMFuzzerTestOneInput")
public func readAndDraw(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? LogLoader(standardInput: bytes).summarize(["-"], selection: ChainSelection(), top: 5)
    guard let log = try? LogLoader(standardInput: bytes).load(["-"]) else { return 0 }
    _ = TreeFormatter(color: false).format(log.chains)
    _ = TreeFormatter(color: true, timestamps: false, fieldLimit: 0).format(log.chains)
    let summary = LogSummary(log, chains: log.chains, top: 5, keepsTasks: true)
    _ = SummaryFormatter.text(summary)
    _ = SummaryFormatter.json(summary)
    for view in [DiagramOptions.View.detail, .overview] {
        var options = DiagramOptions()
        options.view = view
        let document = DiagramLayout.layout(log, chains: log.chains, options: options, measurer: FixedWidthMeasurer())
        for page in document.pages { _ = SVGWriter.svg(page) }
    }
    _ = HTMLOutput.page(log, chains: log.chains)
    _ = ChromeTrace.json(log.chains, inputs: log.inputs)
    let batches = OTLPMapping.batches(log.chains, inputs: log.inputs)
    _ = OTLPJSON.lines(batches, scopeVersion: "fuzz")
    _ = OTLPProtobuf.request(batches, scopeVersion: "fuzz")
    return 0
}

// SwiftPM links an executable's entry point as `<module>_main`; libFuzzer's own `main` is then not used, so the
// entry point hands over to libFuzzer's driver with the target above.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("reactortrack_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return withUnsafeMutablePointer(to: &arguments) { runDriver(&count, $0, readAndDraw) }
}
