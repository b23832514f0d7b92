import ArgumentParser
import Visualize

/// `reactortrack summary FILE... [--json]`.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print outcomes, duration percentiles and the slowest chains and callbacks.",
        discussion: """
            Durations in --json are seconds. Exit status: 0 success, 1 bad input, 2 usage error.
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: "How many of the slowest chains and callbacks to list.")
    var top = 10

    func validate() throws {
        if top < 0 { throw ValidationError("--top must not be negative") }
    }

    func run() throws {
        let (log, chains) = try CommandSupport.load(input, selection)
        let summary = LogSummary(log, chains: chains, top: top)
        FileStream.standardOutput.write(json ? SummaryFormatter.json(summary) : SummaryFormatter.text(summary))
    }
}
