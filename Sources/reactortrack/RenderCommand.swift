import ArgumentParser
import Chains
import EventLog
import Visualize

/// `reactortrack render FILE... -o OUT`.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Draw chains as SVG, PNG or PDF, or write an interactive HTML report.",
        discussion: """
            The format follows the extension of --output: .svg (text stays text, with tooltips), .png or .pdf \
            (overview first, then a page per chain). A few chains are drawn in detail: a header, the \
            callback/errback ladder with the path the run took, and each run as a bar on a time axis; many \
            chains get an overview (outcome counts, percentiles, a waterfall with identical chains grouped, \
            the slowest callbacks). .html writes one self-contained interactive report (an overview to zoom and \
            filter, each chain's ladder, and a step-through replay of the log's events; see docs/html-report.md). \
            The output is never one of the inputs.

            Exit status: 0 success, 1 bad input or failed write, 2 usage error.
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp("Where to write: .svg, .png, .pdf or .html.", valueName: "OUT"))
    var output = "chain.svg"

    @Option(help: "Order of the overview's waterfall: duration (slowest first) or start. (default: duration)")
    var sort: SortOrder?

    @Option(help: "auto (detail when the chains fit, else an overview), overview, or detail. (default: auto)")
    var view: ViewChoice?

    @Option(help: "PNG pixels per unit (2 for HiDPI screens). (default: 1)")
    var scale: Double?

    @Option(
        help: ArgumentHelp(
            "The title of the report, or of the pages (default: made of the chains and the input names).",
            valueName: "TEXT"))
    var title: String?

    func validate() throws {
        guard let format = Renderer.output(for: output) else {
            throw ValidationError("--output must end in \(Renderer.extensionList) (got '\(output)')")
        }
        if let title, title.allSatisfy(\.isWhitespace) { throw ValidationError("--title must not be empty") }
        if let scale {
            if !(format is PNGOutput) {
                throw ValidationError("--scale sets the pixels of a .png; it does not apply to '\(output)'")
            }
            if !(0.25...4).contains(scale) { throw ValidationError("--scale must be between 0.25 and 4") }
        }
        if format is HTMLOutput {
            // The report has its own overview and detail, and sorts in the page.
            for (name, given) in [("--view", view != nil), ("--sort", sort != nil)] where given {
                throw ValidationError(
                    "\(name) does not apply to the HTML report ('\(output)'): it has both views, sorted in the page")
            }
        }
    }

    func run() throws {
        let chosenView = (view ?? .auto).view
        if streams(chosenView) { return try runStreamed(chosenView) }
        if Renderer.output(for: output) is HTMLOutput, !selection.selection.needsWholeLog { return try runReport() }
        let (log, chains) = try CommandSupport.load(input, selection)
        // The monitor's dropped-events note is a warning on the page, not a chain.
        let count = chains.count { $0.droppedEvents == nil }
        try write(count: count, log: log) { (options) throws(RenderError) in
            // Renderer.render refuses an output that is one of the inputs before it draws anything.
            try Renderer.render(log, chains: chains, to: output, options: options, scale: scale ?? 1)
        }
    }

    /// Whether the chains are folded as the log streams past instead of all held: for the overview of SVG, PNG
    /// and PDF (and `auto` in SVG and PNG, which holds chains only while they could fit in detail). The HTML
    /// report streams its own way (``runReport()``); detail pages of a PDF and `--slowest` need every chain.
    private func streams(_ view: DiagramOptions.View) -> Bool {
        guard !selection.selection.needsWholeLog, let format = Renderer.output(for: output) else { return false }
        switch view {
        case .overview: return format is any DrawnOutput
        case .auto: return format is SVGOutput || format is PNGOutput
        case .detail: return false
        }
    }

    /// Renders while the log streams past: memory holds the chains in flight and a few numbers per chain.
    private func runStreamed(_ view: DiagramOptions.View) throws {
        if view == .overview {
            // The overview alone: most tasks are folded in without building their chain.
            let (log, overview) = try CommandSupport.overview(input, selection)
            let count = overview.chainCount
            let figures = overview.figures(inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count)
            return try write(count: count, log: log) { (options) throws(RenderError) in
                try Renderer.render(inputs: log.inputs, to: output, options: options, scale: scale ?? 1) {
                    DiagramLayout.overview(figures, options: $0, measurer: $1)
                }
            }
        }
        var overview = OverviewAccumulator()
        // While the chains could still fit in detail (auto), they are kept, with the figures the detail takes from
        // the whole log.
        var kept: [(chain: Chain, ordinal: Int)]? = []
        var rows = 0
        var dropped = 0
        var logEnd: Double?
        let log = try CommandSupport.stream(
            input, selection,
            everyChain: { chain in
                dropped += max(0, chain.droppedEvents ?? 0)
                if let last = chain.lastEventTime { logEnd = max(logEnd ?? last, last) }
            },
            { chain, ordinal in
                overview.add(chain, ordinal: ordinal)
                guard kept != nil else { return }
                if !chain.isDropMarker { rows += DiagramLayout.detailRows(of: chain) }
                if rows > DiagramLayout.detailRowLimit { kept = nil } else { kept?.append((chain, ordinal)) }
            })
        let count = overview.chainCount
        if let kept {
            let chains = kept.sorted { $0.ordinal < $1.ordinal }.map(\.chain)
            return try write(count: count, log: log) { (options) throws(RenderError) in
                try Renderer.render(inputs: log.inputs, to: output, options: options, scale: scale ?? 1) {
                    DiagramLayout.layout(
                        log, chains: chains, droppedEvents: dropped, logEnd: logEnd, options: $0, measurer: $1)
                }
            }
        }
        let figures = overview.figures(
            inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count, droppedEvents: dropped)
        try write(count: count, log: log) { (options) throws(RenderError) in
            try Renderer.render(inputs: log.inputs, to: output, options: options, scale: scale ?? 1) {
                DiagramLayout.overview(figures, options: $0, measurer: $1)
            }
        }
    }

    /// Writes the HTML report while the log streams past: memory holds the chains in flight and the page's data.
    private func runReport() throws {
        var report = HTMLOutput.Stream()
        var count = 0
        let log = try CommandSupport.stream(input, selection) { chain, ordinal in
            if !chain.isDropMarker { count += 1 }
            report.add(chain, ordinal: ordinal)
        }
        try write(count: count, log: log) { (options) throws(RenderError) in
            try report.write(log, to: output, options: options)
            return nil
        }
    }

    /// Draws with `draw` and says what was written.
    private func write(count: Int, log: TrackedLog, _ draw: (DiagramOptions) throws(RenderError) -> LayoutDocument?) throws {
        let options = DiagramOptions(
            view: (view ?? .auto).view, sort: (sort ?? .duration).sort, sourceNames: log.inputs,
            warningCount: log.warnings.count, title: title)
        do {
            let pages = try draw(options)?.pages.count ?? 0
            let note = pages > 1 ? " (\(pages) pages)" : ""
            FileStream.standardError.write(
                "wrote \(TerminalText.escaped(output))\(note): \(count) chain\(count == 1 ? "" : "s")\n")
        } catch {
            throw CommandSupport.fail(error)
        }
    }
}
