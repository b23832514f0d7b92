import EventLog

/// One OpenTelemetry span as OTLP carries it (the fields of `opentelemetry.proto.trace.v1.Span` that the
/// mapping fills), encoded by ``OTLPJSON`` and ``OTLPProtobuf``.
public struct OTLPSpan: Sendable, Hashable {
    /// An attribute value (`AnyValue`: the kinds the mapping writes).
    public enum Value: Sendable, Hashable {
        case string(String)
        case int(Int)
        case bool(Bool)
        case double(Double)
    }

    /// A key and its value (`KeyValue`).
    public struct Attribute: Sendable, Hashable {
        public var key: String
        public var value: Value

        public init(_ key: String, _ value: Value) {
            self.key = key
            self.value = value
        }
    }

    /// A timed event on the span (`Span.Event`): an Eliot message, or an exception.
    public struct Event: Sendable, Hashable {
        public var time: UInt64
        public var name: String
        public var attributes: [Attribute]

        public init(time: UInt64, name: String, attributes: [Attribute]) {
            self.time = time
            self.name = name
            self.attributes = attributes
        }
    }

    /// A link to another span (`Span.Link`): a wait, `chainDeferred`, a returned Deferred.
    public struct Link: Sendable, Hashable {
        public var traceID: [UInt8]
        public var spanID: [UInt8]
        public var attributes: [Attribute]

        public init(traceID: [UInt8], spanID: [UInt8], attributes: [Attribute]) {
            self.traceID = traceID
            self.spanID = spanID
            self.attributes = attributes
        }
    }

    /// `Status.StatusCode`.
    public enum StatusCode: Int, Sendable, Hashable {
        case unset = 0
        case ok = 1
        case error = 2
    }

    /// 16 bytes.
    public var traceID: [UInt8]
    /// 8 bytes.
    public var spanID: [UInt8]
    /// 8 bytes, or empty for a root span.
    public var parentSpanID: [UInt8]
    public var name: String
    /// `SPAN_KIND_INTERNAL`: everything here happens inside one process.
    public var kind = 1
    /// Unix nanoseconds.
    public var start: UInt64
    /// Unix nanoseconds.
    public var end: UInt64
    public var attributes: [Attribute] = []
    public var events: [Event] = []
    public var links: [Link] = []
    public var status = StatusCode.unset
    public var statusMessage = ""

    /// A span; the rest is set field by field.
    public init(traceID: [UInt8], spanID: [UInt8], parentSpanID: [UInt8], name: String, start: UInt64, end: UInt64) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.name = name
        self.start = start
        self.end = end
    }
}

/// The spans of one input (one OTLP `ResourceSpans`): its resource's attributes and its spans.
public struct OTLPBatch: Sendable, Hashable {
    /// The resource's attributes (`service.name`, the input file).
    public var resource: [OTLPSpan.Attribute]
    public var spans: [OTLPSpan]

    public init(resource: [OTLPSpan.Attribute], spans: [OTLPSpan]) {
        self.resource = resource
        self.spans = spans
    }
}

extension [UInt8] {
    /// Lower-case hex, as OTLP's JSON encoding writes ids.
    var hex: String {
        let digits = LineBuilder.hexDigits
        var out: [UInt8] = []
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
