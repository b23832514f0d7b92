// A libFuzzer target: bytes as a log (`-`, so format detection runs too), through reading and grouping both
// ways (and the short way on one thread and on two, which must agree), the chain model, summaries, the terminal
// tree, the layout and the SVG writer, the HTML report's data and the exports (Chrome trace, OTLP JSON and
// protobuf). Any trap is a crash.
// Built with `-sanitize=fuzzer,address` by `make fuzz`; `make test` replays the corpus under Fuzz/Corpus.
import Chains
import EventLog
import Export
import Visualize

/// What the short way of reading hands out, in order, with its warnings and counts; `nil` when it fails.
func briefReading(_ bytes: [UInt8], twoThreads: Bool) -> [String]? {
    var reader = TaskReader(streaming: true, keptFields: ["deferred_id", "label", "index", "name"])
    reader.brief = (["deferred_id", "label", "index", "name"], "reactortrack:deferred")
    reader.readsAhead = twoThreads
    var seen: [String] = []
    guard
        let result = try? reader.read([.bytes(bytes, name: "fuzz")], { handout, _ in
            switch handout {
            case .brief(let task): seen.append("brief \(task.ordinal) \(task.taskUUID) \(task.children.count)")
            case .task(let task, let ordinal, let atEnd): seen.append("task \(ordinal) \(task.taskUUID) \(atEnd)")
            }
        })
    else { return nil }
    return seen + result.warnings.map(\.description) + ["\(result.messageCount) \(result.ordinalCount)"]
}

@_cdecl("LLVMFuzzerTestOneInput")
public func readAndDraw(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    precondition(briefReading(bytes, twoThreads: false) == briefReading(bytes, twoThreads: true))
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
