import ArgumentParser
import Chains
import EventLog
import Export
import Visualize

/// `reactortrack export FILE... --format chrome -o trace.json`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write chains as a Chrome trace (Perfetto, chrome://tracing).",
        discussion: """
            --format chrome writes the Trace Event Format: a track per chain, each run and wait a slice, Eliot \
            actions as nested slices and messages as instants, links between chains as flow arrows. Open it \
            at https://ui.perfetto.dev (Open trace file) or in chrome://tracing. See docs/exports.md.

            Exit status: 0 success, 1 bad input or failed write, 2 usage error.
            """)

    /// The export formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case chrome
    }

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: "The format: chrome.")
    var format: Format = .chrome

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where to write.", valueName: "OUT"))
    var output = "trace.json"

    func run() throws {
        let (log, chains) = try CommandSupport.load(input, selection)
        do throws(ReportError) {
            try Renderer.refuseOverwriting(inputs: log.inputs, output: output)
            let bytes: [UInt8]
            switch format {
            case .chrome: bytes = ChromeTrace.json(chains, inputs: log.inputs)
            }
            do throws(PosixFile.Failure) { try PosixFile.write(bytes, to: output) } catch {
                throw ReportError(code: .writeFailed, message: error.message, file: output)
            }
        } catch {
            throw CommandSupport.fail(error)
        }
        let count = chains.count { !$0.isDropMarker }
        FileStream.standardError.write("wrote \(output): \(count) chain\(count == 1 ? "" : "s")\n")
    }
}
