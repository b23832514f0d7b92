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
        let (log, chains) = try CommandSupport.load(input, selection)
        let options = DiagramOptions(
            view: (view ?? .auto).view, sort: (sort ?? .duration).sort, sourceNames: log.inputs,
            warningCount: log.warnings.count, title: title)
        do {
            // Renderer.render refuses an output that is one of the inputs before it draws anything.
            let document = try Renderer.render(log, chains: chains, to: output, options: options, scale: scale ?? 1)
            let pages = document?.pages.count ?? 0
            let note = pages > 1 ? " (\(pages) pages)" : ""
            // The monitor's dropped-events note is a warning on the page, not a chain.
            let count = chains.count { $0.droppedEvents == nil }
            FileStream.standardError.write(
                "wrote \(TerminalText.escaped(output))\(note): \(count) chain\(count == 1 ? "" : "s")\n")
        } catch {
            throw CommandSupport.fail(error)
        }
    }
}
