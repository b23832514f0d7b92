import ArgumentParser
import Chains
import EventLog
import Export
import Visualize

/// `reactortrack export FILE... --format chrome -o trace.json`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write chains as a Chrome trace (Perfetto) or OpenTelemetry spans, or send them to a collector.",
        discussion: """
            --format chrome writes the Trace Event Format: a track per chain, each run and wait a slice, Eliot \
            actions as nested slices and messages as instants, links between chains as flow arrows. Open it \
            at https://ui.perfetto.dev (Open trace file) or in chrome://tracing.

            --format otlp-json writes OpenTelemetry spans in OTLP's JSON encoding, one TracesData per line, as \
            the collector's file exporter does: the task is the trace, a chain a span, each run a child span.

            --otlp-endpoint http://HOST:4318 posts the same spans to a collector over OTLP/HTTP (protobuf, \
            /v1/traces), in batches, retrying when the collector asks to. See docs/exports.md.

            Exit status: 0 success, 1 bad input or failed write, 2 usage error.
            """)

    /// The export formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case chrome
        case otlpJSON = "otlp-json"
    }

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: "The format: chrome or otlp-json.")
    var format: Format = .chrome

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where to write.", valueName: "OUT"))
    var output: String?

    @Option(help: ArgumentHelp("Send the spans to this OpenTelemetry collector (OTLP/HTTP) instead of writing a file.",
                               valueName: "http://HOST:PORT"))
    var otlpEndpoint: String?

    func validate() throws {
        if otlpEndpoint != nil && output != nil {
            throw ValidationError("--otlp-endpoint sends the spans; it takes no --output")
        }
        if let otlpEndpoint {
            do { _ = try OTLPHTTPSender(endpoint: otlpEndpoint) } catch { throw ValidationError(error.description) }
        }
    }

    func run() throws {
        let (log, chains) = try CommandSupport.load(input, selection)
        let version = ReactorTrack.configuration.version
        if let otlpEndpoint {
            let sent: Int
            do {
                sent = try OTLPHTTPSender(endpoint: otlpEndpoint)
                    .send(OTLPMapping.batches(chains, inputs: log.inputs), scopeVersion: version)
            } catch {
                throw CommandSupport.fail(ReportError(code: .writeFailed, message: error.description, file: otlpEndpoint))
            }
            FileStream.standardError.write("sent \(sent) span\(sent == 1 ? "" : "s") to \(otlpEndpoint)\n")
            return
        }
        let output = output ?? (format == .chrome ? "trace.json" : "spans.jsonl")
        do throws(ReportError) {
            try Renderer.refuseOverwriting(inputs: log.inputs, output: output)
            let bytes: [UInt8]
            switch format {
            case .chrome: bytes = ChromeTrace.json(chains, inputs: log.inputs)
            case .otlpJSON: bytes = OTLPJSON.lines(OTLPMapping.batches(chains, inputs: log.inputs), scopeVersion: version)
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
