import ArgumentParser

/// The inputs every subcommand reads, and `--strict`.
struct InputOptions: ParsableArguments {
    @Argument(help: "Log files to read (mon.out, any Eliot log, or the original Reactor Track format); - reads standard input.")
    var files: [String]

    @Flag(help: "Fail (exit 1) if reading the input produced any warning.")
    var strict = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one FILE (or - for standard input)") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read only once") }
    }
}
