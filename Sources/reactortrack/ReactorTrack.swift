import ArgumentParser
import EventLog

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `reactortrack`: draws and summarises the deferred chains a monitor (or any Eliot program) logged.
@main
struct ReactorTrack: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reactortrack",
        abstract: "Inspect deferred chains recorded by the monitor (or any Eliot log).",
        discussion: """
            Reads mon.out (Eliot JSON lines written by the monitor), any Eliot log, or a log in the original \
            Python Reactor Track format. Several files merge into one set of chains, as `cat a b | eliot-tree` \
            does; `-` reads standard input.

            Damaged lines are skipped with one warning each on standard error (`mon.out:12: ...`); \
            unfinished actions are drawn as open. --strict turns warnings into a failure.

            EXIT STATUS
              0  success
              1  bad input: unreadable file, unknown format, empty log, nothing selected, \
            warnings with --strict, or the output could not be written (or is an input)
              2  usage error: unknown option, bad value, missing argument
              3  top --fail-on: a warning it names is present
            """,
        version: "0.1.0",
        subcommands: [RenderCommand.self, TreeCommand.self, SummaryCommand.self, ExportCommand.self, TopCommand.self])

    /// Exit status for bad input.
    static let inputFailure: Int32 = 1
    /// Exit status for usage errors.
    static let usageFailure: Int32 = 2

    static func main() {
        // A file half-written when the command is interrupted is removed (the library leaves signals to its app).
        TemporaryFiles.removeOnSignals()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                // The message carries its own "Usage:" line and where to find help.
                FileStream.standardError.write(fullMessage(for: error) + "\n")
                terminate(usageFailure)
            }
            exit(withError: error)
        }
    }
}

/// Ends the process with `status` (the global `exit`, which `ParsableCommand.exit(withError:)` shadows).
private func terminate(_ status: Int32) -> Never {
    exit(status)
}
