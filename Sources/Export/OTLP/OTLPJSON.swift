import EventLog

/// OTLP's JSON encoding as the OpenTelemetry Collector's file exporter writes it: one `TracesData` object per
/// line; trace and span ids as lower-case **hex** (OTLP/JSON's rule, not protobuf JSON's base64); enums as
/// integers; 64-bit integers (times, `intValue`) as decimal strings.
public enum OTLPJSON {
    /// Spans per line: a line is one `TracesData`, as one export call of the file exporter writes.
    public static let spansPerLine = 1_000

    /// The lines of `batches`.
    public static func lines(_ batches: [OTLPBatch], scopeVersion: String) -> [UInt8] {
        var bytes: [UInt8] = []
        write(batches, scopeVersion: scopeVersion) { bytes += $0 }
        return bytes
    }

    /// The same lines, handed to `put` a piece (about a megabyte of whole lines) at a time as they are made: the
    /// spans of a hundred thousand chains are written without being held whole.
    package static func write(_ batches: [OTLPBatch], scopeVersion: String, to put: ([UInt8]) -> Void) {
        var out = LineBuilder.exportPiece()
        for batch in batches {
            var from = 0
            while from < batch.spans.count {
                let to = min(from + spansPerLine, batch.spans.count)
                line(batch, spans: batch.spans[from..<to], scopeVersion: scopeVersion, to: &out)
                from = to
                out.handOn(to: put)
            }
        }
        out.handOn(atLeast: 1, to: put)
    }

    /// The lines written a few spans at a time (each chain's, from ``OTLPMapping/spans(of:_:)`` of each
    /// ``ChainFamily`` of a streamed log): each resource's spans are gathered into lines of ``spansPerLine``, and
    /// memory holds less than a line per input.
    package struct Stream: ~Copyable {
        private let scopeVersion: String
        private var out = LineBuilder.exportPiece()
        /// Each resource's spans not yet written, in the order the resources came.
        private var pending: [OTLPBatch] = []
        private var place: [[OTLPSpan.Attribute]: Int] = [:]

        package init(scopeVersion: String) { self.scopeVersion = scopeVersion }

        /// Adds spans of the resource `resource` (``OTLPMapping/resource(of:)``); writes every line they fill.
        package mutating func add(_ spans: [OTLPSpan], resource: [OTLPSpan.Attribute], to put: ([UInt8]) -> Void) {
            let i = place[resource] ?? {
                place[resource] = pending.count
                pending.append(OTLPBatch(resource: resource, spans: []))
                return pending.count - 1
            }()
            pending[i].spans += spans
            guard pending[i].spans.count >= spansPerLine else { return }
            var from = 0
            while pending[i].spans.count - from >= spansPerLine {
                line(pending[i], spans: pending[i].spans[from..<from + spansPerLine], scopeVersion: scopeVersion, to: &out)
                from += spansPerLine
            }
            pending[i].spans.removeFirst(from)
            out.handOn(to: put)
        }

        /// Writes the spans left, a line per resource.
        package consuming func finish(to put: ([UInt8]) -> Void) {
            for batch in pending where !batch.spans.isEmpty {
                line(batch, spans: batch.spans[...], scopeVersion: scopeVersion, to: &out)
            }
            out.handOn(atLeast: 1, to: put)
        }
    }

    static func line(_ batch: OTLPBatch, spans: ArraySlice<OTLPSpan>, scopeVersion: String, to out: inout LineBuilder) {
        out.raw("{\"resourceSpans\":[{\"resource\":{\"attributes\":")
        attributes(batch.resource, to: &out)
        out.raw("},\"scopeSpans\":[{\"scope\":{\"name\":\"reactortrack\",\"version\":")
        out.string(scopeVersion)
        out.raw("},\"spans\":[")
        for (i, span) in spans.enumerated() {
            if i > 0 { out.raw(",") }
            write(span, to: &out)
        }
        out.raw("]}]}]}\n")
    }

    static func write(_ span: OTLPSpan, to out: inout LineBuilder) {
        out.raw("{\"traceId\":\"\(span.traceID.hex)\",\"spanId\":\"\(span.spanID.hex)\"")
        if !span.parentSpanID.isEmpty { out.raw(",\"parentSpanId\":\"\(span.parentSpanID.hex)\"") }
        out.raw(",\"name\":")
        out.string(span.name)
        out.raw(",\"kind\":\(span.kind),\"startTimeUnixNano\":\"\(span.start)\",\"endTimeUnixNano\":\"\(span.end)\"")
        out.raw(",\"attributes\":")
        attributes(span.attributes, to: &out)
        if !span.events.isEmpty {
            out.raw(",\"events\":[")
            for (i, event) in span.events.enumerated() {
                if i > 0 { out.raw(",") }
                out.raw("{\"timeUnixNano\":\"\(event.time)\",\"name\":")
                out.string(event.name)
                out.raw(",\"attributes\":")
                attributes(event.attributes, to: &out)
                out.raw("}")
            }
            out.raw("]")
        }
        if !span.links.isEmpty {
            out.raw(",\"links\":[")
            for (i, link) in span.links.enumerated() {
                if i > 0 { out.raw(",") }
                out.raw("{\"traceId\":\"\(link.traceID.hex)\",\"spanId\":\"\(link.spanID.hex)\",\"attributes\":")
                attributes(link.attributes, to: &out)
                out.raw("}")
            }
            out.raw("]")
        }
        out.raw(",\"status\":{")
        if !span.statusMessage.isEmpty {
            out.raw("\"message\":")
            out.string(span.statusMessage)
            out.raw(",")
        }
        out.raw("\"code\":\(span.status.rawValue)}}")
    }

    static func attributes(_ attributes: [OTLPSpan.Attribute], to out: inout LineBuilder) {
        out.raw("[")
        for (i, attribute) in attributes.enumerated() {
            if i > 0 { out.raw(",") }
            out.raw("{\"key\":")
            out.string(attribute.key)
            out.raw(",\"value\":{")
            switch attribute.value {
            case .string(let value):
                out.raw("\"stringValue\":")
                out.string(value)
            case .int(let value): out.raw("\"intValue\":\"\(value)\"")
            case .bool(let value): out.raw("\"boolValue\":\(value)")
            case .double(let value):
                out.raw("\"doubleValue\":")
                out.double(value)
            }
            out.raw("}}")
        }
        out.raw("]")
    }
}
