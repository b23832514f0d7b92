import ArgumentParser
import EventLog
import Visualize
import Chains

/// What the subcommands share: loading with warnings and progress on standard error, `--strict`, selection,
/// and turning an error (``ReportError``, ``CommandError``, a failed write) into a one-line message and exit
/// status 1.
enum CommandSupport {
    /// Loads the inputs, prints warnings, applies `--strict` and the selection.
    static func load(_ input: InputOptions, _ selection: SelectionOptions) throws -> (TrackedLog, [Chain]) {
        let stderr = FileStream.standardError
        let showProgress = stderr.isTerminal
        let loader = input.loader(progress: showProgress ? { lines in stderr.write("\rreading… \(lines) lines") } : nil)
        let log: TrackedLog
        do {
            log = try loader.load(input.files)
        } catch {
            if showProgress { stderr.write("\r\u{1B}[K") }
            throw fail(error)
        }
        if showProgress { stderr.write("\r\u{1B}[K") }
        try report(log, input)
        let chains = selection.selection.apply(to: log.chains)
        if chains.isEmpty { throw nothingSelected(selection.selection) }
        return (log, chains)
    }

    /// Streams the inputs (see ``LogLoader/stream(_:_:)``): hands each selected chain to `handle` as soon as
    /// its task is complete, then prints the warnings and applies `--strict` and the check that something was
    /// selected.
    ///
    /// - Precondition: The selection does not need the whole log (`--slowest`); use ``load(_:_:)`` then.
    /// - Parameters:
    ///   - progress: Whether "reading… N lines" may be shown on standard error (when it is a terminal).
    ///   - keptFields: The only non-standard fields to keep (see ``LogLoader/keptFields``); `nil` keeps all.
    ///   - everyChain: Called with every chain before the selection is applied (for figures of the whole log).
    static func stream(
        _ input: InputOptions, _ selection: SelectionOptions, progress: Bool = true, keptFields: Set<String>? = nil,
        everyChain: ((Chain) -> Void)? = nil, _ handle: (Chain, Int) -> Void
    ) throws -> TrackedLog {
        let chosen = selection.selection
        precondition(!chosen.needsWholeLog)
        let stderr = FileStream.standardError
        let showProgress = progress && stderr.isTerminal
        var loader = input.loader(progress: showProgress ? { lines in stderr.write("\rreading… \(lines) lines") } : nil)
        loader.keptFields = keptFields
        var selected = 0
        let log: TrackedLog
        do {
            log = try loader.stream(input.files) { chain, ordinal in
                everyChain?(chain)
                guard chosen.admits(chain) else { return }
                selected += 1
                handle(chain, ordinal)
            }
        } catch {
            if showProgress { stderr.write("\r\u{1B}[K") }
            throw fail(error)
        }
        if showProgress { stderr.write("\r\u{1B}[K") }
        try report(log, input)
        if selected == 0 { throw nothingSelected(chosen) }
        return log
    }

    /// The summary of the selected chains, streamed (see ``LogLoader/summarize(_:selection:top:keepsTasks:)``); prints the
    /// warnings and applies `--strict` and the check that something was selected, as ``stream(_:_:progress:keptFields:_:)``.
    ///
    /// - Precondition: The selection does not need the whole log (`--slowest`); use ``load(_:_:)`` then.
    static func summarize(_ input: InputOptions, _ selection: SelectionOptions, top: Int, keepsTasks: Bool) throws
        -> LogSummary
    {
        let chosen = selection.selection
        let stderr = FileStream.standardError
        let showProgress = stderr.isTerminal
        let loader = input.loader(progress: showProgress ? { lines in stderr.write("\rreading… \(lines) lines") } : nil)
        let log: TrackedLog
        let accumulator: SummaryAccumulator
        do {
            (log, accumulator) = try loader.summarize(
                input.files, selection: chosen, top: top, keepsTasks: keepsTasks)
        } catch {
            if showProgress { stderr.write("\r\u{1B}[K") }
            throw fail(error)
        }
        if showProgress { stderr.write("\r\u{1B}[K") }
        try report(log, input)
        if accumulator.chainCount == 0 { throw nothingSelected(chosen) }
        return accumulator.summary(inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count)
    }

    /// The overview's figures of the selected chains, streamed (see ``LogLoader/overview(_:selection:)``); prints
    /// the warnings and applies `--strict` and the check that something was selected, as ``summarize(_:_:top:keepsTasks:)``.
    ///
    /// - Precondition: The selection does not need the whole log (`--slowest`).
    static func overview(_ input: InputOptions, _ selection: SelectionOptions) throws
        -> (log: TrackedLog, accumulator: OverviewAccumulator)
    {
        let chosen = selection.selection
        let stderr = FileStream.standardError
        let showProgress = stderr.isTerminal
        let loader = input.loader(progress: showProgress ? { lines in stderr.write("\rreading… \(lines) lines") } : nil)
        let read: (log: TrackedLog, accumulator: OverviewAccumulator, selected: Int)
        do {
            read = try loader.overview(input.files, selection: chosen)
        } catch {
            if showProgress { stderr.write("\r\u{1B}[K") }
            throw fail(error)
        }
        if showProgress { stderr.write("\r\u{1B}[K") }
        try report(read.log, input)
        if read.selected == 0 { throw nothingSelected(chosen) }
        return (read.log, read.accumulator)
    }

    /// The most warnings of one kind printed; the rest of that kind are counted in one line.
    static let warningsPerKind = 100

    /// Prints the log's warnings (capped per kind) on standard error and applies `--strict`.
    static func report(_ log: TrackedLog, _ input: InputOptions) throws {
        // A warning quotes the log (names, values): escaped, so nothing from it can drive the terminal.
        var output = BufferedOutput(.standardError)
        var printed: [EventLogError.Code: Int] = [:]
        var kinds: [EventLogError.Code] = []
        for warning in log.warnings {
            let count = printed[warning.code, default: 0]
            if count == 0 { kinds.append(warning.code) }
            printed[warning.code] = count + 1
            if count < warningsPerKind { output.write(TerminalText.escaped("\(warning)") + "\n") }
        }
        for kind in kinds where printed[kind, default: 0] > warningsPerKind {
            let total = printed[kind, default: 0]
            output.write("… \(total - warningsPerKind) more '\(kind)' warnings not shown (\(total) in all)\n")
        }
        output.flush()
        if input.strict && !log.warnings.isEmpty {
            throw fail(
                CommandError(
                    code: .strictWarnings,
                    message: "\(log.warnings.count) warning\(log.warnings.count == 1 ? "" : "s") (see above)"))
        }
    }

    private static func nothingSelected(_ selection: ChainSelection) -> ExitCode {
        let what = selection.isEverything ? "the input holds no chain" : "no chain matches the selection"
        return fail(CommandError(code: .nothingSelected, message: what))
    }

    /// Prints `message` as the command's error, on one line, and returns the exit status for bad input (a
    /// failure that is not about a file: spans a collector did not take).
    static func fail(message: String) -> ExitCode {
        let name = ReactorTrack.configuration.commandName ?? "reactortrack"
        FileStream.standardError.write("\(name): error: \(TerminalText.escaped(message))\n")
        return ExitCode(ReactorTrack.inputFailure)
    }

    /// Prints the error on one line (its description, which names the file) and returns the exit status for bad
    /// input.
    static func fail(_ error: some Error & CustomStringConvertible) -> ExitCode {
        let name = ReactorTrack.configuration.commandName ?? "reactortrack"
        FileStream.standardError.write("\(name): error: \(TerminalText.escaped("\(error)"))\n")
        return ExitCode(ReactorTrack.inputFailure)
    }
}
