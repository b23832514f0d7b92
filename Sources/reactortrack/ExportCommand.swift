import ArgumentParser
import Chains
import EventLog
import Export

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `reactortrack export FILE... --format chrome -o trace.json`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write chains as a Chrome trace (Perfetto) or OpenTelemetry spans, or send them to a collector.",
        discussion: """
            --format chrome (the default) writes the Trace Event Format: a track per chain, each run and wait a \
            slice, Eliot actions as nested slices and messages as instants, links between chains as flow \
            arrows. Open it at https://ui.perfetto.dev (Open trace file) or in chrome://tracing.

            --format otlp-json writes OpenTelemetry spans in OTLP's JSON encoding, one TracesData per line, as \
            the collector's file exporter does: the task is the trace, a chain a span, each run a child span.

            --format otlp sends the same spans to a collector over OTLP/HTTP (protobuf), in batches: to \
            --otlp-endpoint, else where OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT \
            says (as the OpenTelemetry SDKs read them), else http://localhost:4318/v1/traces; with the headers \
            of OTEL_EXPORTER_OTLP_HEADERS and --otlp-header, waiting OTEL_EXPORTER_OTLP_TIMEOUT ms (10 s) for \
            an answer. It retries when the collector asks to (honouring Retry-After) or cannot be reached, \
            saying so on standard error; the whole send gives up after --otlp-timeout seconds (60). See \
            docs/exports.md.

            -o - writes to standard output.

            Exit status: 0 success, 1 bad input, failed write or spans not sent, 2 usage error.
            """)

    /// The export formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case chrome
        case otlpJSON = "otlp-json"
        /// OTLP/HTTP (protobuf) to a collector.
        case otlp
    }

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: "The format: chrome or otlp-json (a file), or otlp (sent to a collector). (default: chrome)")
    var format: Format?

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp(
            "Where to write (- for standard output). (default: trace.json, spans.jsonl)", valueName: "OUT"))
    var output: String?

    @OptionGroup var otlp: OTLPOptions

    /// The format chosen: `--format`, else `otlp` when `--otlp-endpoint` is given, else `chrome`.
    var chosenFormat: Format { format ?? (otlp.otlpEndpoint != nil ? .otlp : .chrome) }

    func validate() throws {
        if let format, format != .otlp, otlp.otlpEndpoint != nil {
            throw ValidationError(
                "--format \(format.rawValue) writes a file; --otlp-endpoint sends to a collector (--format otlp)")
        }
        if chosenFormat == .otlp {
            if output != nil {
                throw ValidationError("--format otlp sends the spans to a collector; it takes no --output")
            }
            _ = try sender(warn: { _ in })
        } else if !otlp.otlpHeaders.isEmpty {
            throw ValidationError("--otlp-header applies only when sending (--format otlp)")
        } else if otlp.otlpTimeout != nil {
            throw ValidationError("--otlp-timeout applies only when sending (--format otlp)")
        }
    }

    /// The sender the options and the environment describe.
    func sender(warn: (String) -> Void) throws -> OTLPHTTPSender {
        do {
            return try otlp.sender(environment: { getenv($0).map { String(cString: $0) } }, warn: warn)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let version = ReactorTrack.configuration.version
        if chosenFormat == .otlp { return try send(version: version) }
        let output = output ?? (chosenFormat == .chrome ? "trace.json" : "spans.jsonl")
        let count: Int
        if selection.selection.needsWholeLog || (input.strict && output == "-") {
            // --slowest compares every chain, and --strict must fail before anything reaches standard output: both
            // read the whole log first.
            let (log, chains) = try CommandSupport.load(input, selection)
            try write(to: output, inputs: log.inputs) { put in
                switch chosenFormat {
                case .chrome: ChromeTrace.write(chains, inputs: log.inputs, to: put)
                case .otlpJSON, .otlp:
                    OTLPJSON.write(OTLPMapping.batches(chains, inputs: log.inputs), scopeVersion: version, to: put)
                }
            }
            count = chains.count { !$0.isDropMarker }
        } else {
            // Each chain family is written as soon as it is complete, and forgotten, as `tree` prints it.
            let inputs = input.files.map(LogLoader.displayName)
            var exported = 0
            try write(to: output, inputs: inputs) { put in
                func families(_ write: ([Chain]) -> Void) throws {
                    var stream = ChainFamilyStream()
                    _ = try CommandSupport.stream(input, selection, progress: output != "-") { chain, ordinal in
                        if !chain.isDropMarker { exported += 1 }
                        for family in stream.add(chain, ordinal: ordinal) { write(family.members.map(\.chain)) }
                    }
                    for family in stream.finish() { write(family.members.map(\.chain)) }
                }
                switch chosenFormat {
                case .chrome:
                    var trace = ChromeTrace.Stream(inputs: inputs)
                    try families { trace.add($0, to: put) }
                    trace.finish(to: put)
                case .otlpJSON, .otlp:
                    var lines = OTLPJSON.Stream(scopeVersion: version)
                    // One resource per input file, made once.
                    var resources: [String: [OTLPSpan.Attribute]] = [:]
                    try families { chains in
                        OTLPMapping.spans(of: chains) { file, spans in
                            let resource = resources[file] ?? OTLPMapping.resource(of: file)
                            resources[file] = resource
                            lines.add(spans, resource: resource, to: put)
                        }
                    }
                    lines.finish(to: put)
                }
            }
            count = exported
        }
        guard output != "-" else { return }
        FileStream.standardError.write("wrote \(TerminalText.escaped(output)): \(count) chain\(count == 1 ? "" : "s")\n")
    }

    /// Writes the output a piece at a time as `produce` makes it, never held whole: to standard output for `-`,
    /// else to the file, whole or not at all (a failure of `produce` leaves a previous file as it was). Refuses
    /// an output that is one of the inputs first.
    private func write(to output: String, inputs: [String], _ produce: (_ put: ([UInt8]) -> Void) throws -> Void)
        throws
    {
        do {
            if output == "-" {
                try OutputGuard.refuseStandardOutput(inputs: inputs)
                try produce { FileStream.standardOutput.write($0) }
                return
            }
            try OutputGuard.refuseOverwriting(inputs: inputs, output: output)
            try OutputFile.write(to: output, failablePieces: produce)
        } catch let error as CommandError {
            throw CommandSupport.fail(error)
        } catch let error as OutputFileError {
            throw CommandSupport.fail(error)
        }
    }

    /// Sends the spans to a collector (`--format otlp`).
    private func send(version: String) throws {
        let (log, chains) = try CommandSupport.load(input, selection)
        let stderr = FileStream.standardError
        // Whatever the environment or the collector says is sanitised before it reaches the terminal.
        let sender = try sender(warn: { stderr.write(TerminalText.escaped($0) + "\n") })
        let outcome: OTLPHTTPSender.Outcome
        do {
            outcome = try sender.send(OTLPMapping.batches(chains, inputs: log.inputs), scopeVersion: version) {
                stderr.write(TerminalText.escaped("\($0)") + "\n")
            }
        } catch {
            throw CommandSupport.fail(message: error.description)
        }
        let sent = outcome.sent
        stderr.write(TerminalText.escaped("sent \(sent) span\(sent == 1 ? "" : "s") to \(sender.url)") + "\n")
        if outcome.rejected > 0 || !outcome.messages.isEmpty {
            // OTLP's partial success: the request was taken, some spans were not (and are not to be resent).
            let said = outcome.messages.isEmpty ? "" : ": " + outcome.messages.joined(separator: "; ")
            stderr.write(TerminalText.escaped("the collector rejected \(outcome.rejected) of them\(said)") + "\n")
        }
    }
}
