import ArgumentParser
import Visualize

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Chains

/// `reactortrack tree FILE...`.
struct TreeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tree",
        abstract: "Show chains as trees in the terminal.",
        discussion: """
            Deferred chains show each callback/errback pair with what ran, how long it took, what it returned \
            or raised, waits on other Deferreds and linked chains; other Eliot tasks show as action trees with \
            what eliot-tree shows: every action's start and end fields, every message's fields, timestamps. \
            Control characters in values are escaped; long values are cut with a visible … . Colour is used when standard output is a terminal (--color auto), and NO_COLOR is \
            respected.

            Exit status: 0 success, 1 bad input, 2 usage error.
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: "Colour: auto (when standard output is a terminal), always, or never.")
    var color: ColorChoice = .auto

    @Flag(inversion: .prefixedNo, help: "Show each message's timestamp in action trees (UTC, as eliot-tree).")
    var timestamps = true

    @Option(
        name: [.customShort("l"), .long],
        help: "Cut field values after this many characters, with a visible … and the count cut (0: never).")
    var fieldLimit = 200

    func validate() throws {
        if fieldLimit < 0 { throw ValidationError("--field-limit must not be negative") }
    }

    func run() throws {
        let useColor: Bool
        switch color {
        case .always: useColor = true
        case .never: useColor = false
        case .auto: useColor = FileStream.standardOutput.isTerminal && getenv("NO_COLOR") == nil
        }
        let formatter = TreeFormatter(color: useColor, timestamps: timestamps, fieldLimit: fieldLimit)
        // --strict must fail before printing anything, and --slowest compares every chain: both read it all.
        if input.strict || selection.selection.needsWholeLog {
            let (_, chains) = try CommandSupport.load(input, selection)
            FileStream.standardOutput.write(formatter.format(chains))
            return
        }
        // Otherwise each family is printed as soon as it is complete, and forgotten (as eliot-tree does).
        var output = BufferedOutput(.standardOutput)
        var families = ChainFamilyStream()
        var first = true
        func print(_ family: ChainFamily) {
            if !first { output.write("\n") }
            formatter.format(family) { output.write($0 + "\n") }
            first = false
        }
        do {
            _ = try CommandSupport.stream(input, selection, progress: !FileStream.standardOutput.isTerminal) {
                for family in families.add($0, ordinal: $1) { print(family) }
            }
        } catch {
            output.flush()
            throw error
        }
        for family in families.finish() { print(family) }
        output.flush()
    }
}
