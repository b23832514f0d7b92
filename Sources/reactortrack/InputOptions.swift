import ArgumentParser
import Chains

/// The inputs every subcommand reads, and `--strict`.
struct InputOptions: ParsableArguments {
    @Argument(help: "Log files to read (mon.out, any Eliot log, or the original Reactor Track format); - reads standard input.")
    var files: [String]

    @Flag(help: "Fail (exit 1) if reading the input produced any warning.")
    var strict = false

    @Option(help: ArgumentHelp("Skip lines longer than this, with a warning.", valueName: "bytes"))
    var maxLineBytes = 64 << 20

    @Option(help: ArgumentHelp("Cut string values longer than this, with a warning (0: keep them whole).", valueName: "bytes"))
    var maxValueBytes = 64 << 10

    /// A loader with these limits.
    func loader(progress: ((Int) -> Void)?) -> LogLoader {
        var loader = LogLoader(progress: progress)
        loader.maxLineBytes = maxLineBytes
        loader.maxValueBytes = maxValueBytes
        return loader
    }

    func validate() throws {
        if maxLineBytes < 1 { throw ValidationError("--max-line-bytes must be positive") }
        if maxValueBytes < 0 { throw ValidationError("--max-value-bytes must not be negative") }
        if files.isEmpty { throw ValidationError("give at least one FILE (or - for standard input)") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read only once") }
    }
}
