import ArgumentParser
import Export

/// Where and how `export --format otlp` sends: `--otlp-endpoint` and `--otlp-header`, else the OpenTelemetry
/// environment (`OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT`, `_HEADERS`, `_TIMEOUT`, `_PROTOCOL`), as the
/// OpenTelemetry SDKs read it; explicit options win.
struct OTLPOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Send the spans to this OpenTelemetry collector (OTLP/HTTP, protobuf); /v1/traces is added to the path. "
                + "Implies --format otlp.",
            valueName: "http://HOST:PORT"))
    var otlpEndpoint: String?

    @Option(
        name: .customLong("otlp-header"),
        help: ArgumentHelp(
            "A header for the collector (e.g. authorization=\"Bearer …\"). Repeatable.", valueName: "K=V"))
    var otlpHeaders: [String] = []

    @Option(
        help: ArgumentHelp(
            "The most seconds the whole send may take, retries and waits included. (default: 60)",
            valueName: "seconds"))
    var otlpTimeout: Double?

    func validate() throws {
        if let otlpTimeout, !(otlpTimeout.isFinite && otlpTimeout > 0 && otlpTimeout <= 86_400) {
            throw ValidationError("--otlp-timeout must be more than 0 and at most 86400 seconds")
        }
        for header in otlpHeaders {
            do { _ = try Self.header(header) } catch { throw ValidationError("--otlp-header: \(error.description)") }
        }
    }

    /// `K=V` (or `K: V`, as curl takes it).
    static func header(_ text: String) throws(OTLPHTTPSender.Failure) -> OTLPHTTPSender.Header {
        guard let split = text.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
            throw OTLPHTTPSender.Failure(description: "'\(text)' is not K=V")
        }
        let name = String(text[..<split]).trimmingSpaces
        let value = String(text[text.index(after: split)...]).trimmingSpaces
        return try OTLPHTTPSender.Header(name: name, value: value)
    }

    /// The sender these options and `environment` describe; `warn` is told of settings it ignores.
    ///
    /// - Throws: A message naming the option or variable that is wrong.
    func sender(environment: (String) -> String?, warn: (String) -> Void) throws(OTLPHTTPSender.Failure)
        -> OTLPHTTPSender
    {
        func env(_ name: String) -> (name: String, value: String)? {
            let traces = "OTEL_EXPORTER_OTLP_TRACES_" + name
            let all = "OTEL_EXPORTER_OTLP_" + name
            if let value = environment(traces), !value.isEmpty { return (traces, value) }
            if let value = environment(all), !value.isEmpty { return (all, value) }
            return nil
        }
        func named(_ source: String, _ make: () throws(OTLPHTTPSender.Failure) -> OTLPHTTPSender)
            throws(OTLPHTTPSender.Failure) -> OTLPHTTPSender
        {
            do { return try make() } catch { throw .init(description: "\(source) \(error.description)") }
        }
        if let protocolName = env("PROTOCOL"), protocolName.value != "http/protobuf" {
            throw .init(description: "\(protocolName.name) is '\(protocolName.value)': this sends http/protobuf only")
        }
        var sender: OTLPHTTPSender
        if let otlpEndpoint {
            sender = try named("--otlp-endpoint") { () throws(OTLPHTTPSender.Failure) in
                try .init(endpoint: otlpEndpoint)
            }
        } else if let url = environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), !url.isEmpty {
            sender = try named("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") { () throws(OTLPHTTPSender.Failure) in
                try .init(tracesEndpoint: url)
            }
        } else if let base = environment("OTEL_EXPORTER_OTLP_ENDPOINT"), !base.isEmpty {
            sender = try named("OTEL_EXPORTER_OTLP_ENDPOINT") { () throws(OTLPHTTPSender.Failure) in
                try .init(baseEndpoint: base)
            }
        } else {
            sender = try .init(tracesEndpoint: "http://localhost:4318/v1/traces")
        }
        // Later sources win, header by header: the general variable, the traces one, then --otlp-header.
        var headers: [OTLPHTTPSender.Header] = []
        func add(_ header: OTLPHTTPSender.Header) {
            headers.removeAll { $0.name.lowercased() == header.name.lowercased() }
            headers.append(header)
        }
        for name in ["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"] {
            guard let list = environment(name), !list.isEmpty else { continue }
            for entry in list.split(separator: ",") where !entry.allSatisfy({ $0 == " " || $0 == "\t" }) {
                do throws(OTLPHTTPSender.Failure) {
                    guard let eq = entry.firstIndex(of: "="),
                        let value = Self.percentDecoded(entry[entry.index(after: eq)...])
                    else { throw .init(description: "'\(entry)' is not key=value (URL-encoded)") }
                    add(try .init(name: String(entry[..<eq]).trimmingSpaces, value: value.trimmingSpaces))
                } catch {
                    warn("\(name): ignoring a header: \(error.description)")
                }
            }
        }
        for header in otlpHeaders { add(try Self.header(header)) }
        sender.headers = headers
        if let timeout = env("TIMEOUT") {
            if let milliseconds = Double(timeout.value.trimmingSpaces), milliseconds.isFinite, milliseconds > 0 {
                sender.timeout = milliseconds / 1000
            } else {
                warn("\(timeout.name): ignoring '\(timeout.value)' (milliseconds expected); waiting 10 s")
            }
        }
        if let otlpTimeout { sender.deadline = otlpTimeout }
        return sender
    }

    /// `text` with its `%XX` escapes decoded (W3C Baggage values are URL-encoded); `nil` if one is malformed.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var rest = text.utf8[...]
        while let byte = rest.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard rest.count >= 2, let high = hexValue(rest.removeFirst()), let low = hexValue(rest.removeFirst())
            else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let isSpace = { (c: Character) in c == " " || c == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
