import ArgumentParser
import Visualize
import Chains

/// `reactortrack summary FILE... [--json]`.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print outcomes, duration percentiles and the slowest chains and callbacks.",
        discussion: """
            --json writes schema 2 (docs/cli.md): totals, percentiles over the complete tasks, and every task's \
            status, completeness, duration, failed actions and tracebacks, as eliot.parse has them. Durations are \
            seconds; unknown values are null. Exit status: 0 success, 1 bad input, 2 usage error.
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
        let summary: LogSummary
        if selection.selection.needsWholeLog {
            let (log, chains) = try CommandSupport.load(input, selection)
            summary = LogSummary(log, chains: chains, top: top, keepsTasks: json)
        } else {
            // Each chain is folded in as soon as its task is complete, and forgotten; most without being built.
            summary = try CommandSupport.summarize(input, selection, top: top, keepsTasks: json)
        }
        guard json else { return FileStream.standardOutput.write(SummaryFormatter.text(summary)) }
        // Written as it is encoded: a summary of a million tasks is never held as one text.
        var output = BufferedOutput(.standardOutput)
        SummaryFormatter.json(summary) { output.write($0) }
        output.flush()
    }
}
