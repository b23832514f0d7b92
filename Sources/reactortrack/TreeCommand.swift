import ArgumentParser
import Visualize

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `reactortrack tree FILE...`.
struct TreeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tree",
        abstract: "Show chains as trees in the terminal.",
        discussion: """
            Deferred chains show each callback/errback pair with what ran, how long it took, what it returned \
            or raised, waits on other Deferreds and linked chains; other Eliot tasks show as action trees, like \
            eliot-tree. Colour is used when standard output is a terminal (--color auto), and NO_COLOR is \
            respected.

            Exit status: 0 success, 1 bad input, 2 usage error.
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: "Colour: auto (when standard output is a terminal), always, or never.")
    var color: ColorChoice = .auto

    func run() throws {
        let (_, chains) = try CommandSupport.load(input, selection)
        let useColor: Bool
        switch color {
        case .always: useColor = true
        case .never: useColor = false
        case .auto: useColor = FileStream.standardOutput.isTerminal && getenv("NO_COLOR") == nil
        }
        FileStream.standardOutput.write(TreeFormatter(color: useColor).format(chains))
    }
}
