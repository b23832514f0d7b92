import ArgumentParser
import EventLog
import Visualize

/// What the subcommands share: loading with warnings and progress on standard error, `--strict`, selection,
/// and turning ``VisualizeError`` into a one-line message and exit status 1.
enum CommandSupport {
    /// Loads the inputs, prints warnings, applies `--strict` and the selection.
    static func load(_ input: InputOptions, _ selection: SelectionOptions) throws -> (TrackedLog, [Chain]) {
        let stderr = FileStream.standardError
        let showProgress = stderr.isTerminal
        let loader = LogLoader(progress: showProgress ? { lines in stderr.write("\rreading… \(lines) lines") } : nil)
        let log: TrackedLog
        do {
            log = try loader.load(input.files)
        } catch {
            if showProgress { stderr.write("\r\u{1B}[K") }
            throw fail(error)
        }
        if showProgress { stderr.write("\r\u{1B}[K") }
        for warning in log.warnings { stderr.write("\(warning)\n") }
        if input.strict && !log.warnings.isEmpty {
            throw fail(
                VisualizeError(
                    code: .strictWarnings,
                    message: "\(log.warnings.count) warning\(log.warnings.count == 1 ? "" : "s") (see above)"))
        }
        let chains = selection.selection.apply(to: log.chains)
        if chains.isEmpty {
            let what = selection.selection.isEverything ? "the input holds no chain" : "no chain matches the selection"
            throw fail(VisualizeError(code: .nothingSelected, message: what))
        }
        return (log, chains)
    }

    /// Prints the error on one line and returns the exit status for bad input.
    static func fail(_ error: VisualizeError) -> ExitCode {
        FileStream.standardError.write("reactortrack: error: \(error)\n")
        return ExitCode(ReactorTrack.inputFailure)
    }
}
