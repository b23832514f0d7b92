import Export
import NIOConcurrencyHelpers
import Tracing

/// A small swift-distributed-tracing tracer that keeps finished spans and posts them, on `forceFlush()`, to an
/// OpenTelemetry collector over OTLP/HTTP (protobuf), with `reactortrack`'s own encoder and sender. It stands
/// in for swift-otel (see examples/otel-service) where a build of several minutes is too much: the tests.
final class OTLPTracer: Tracer, Sendable {
    typealias Span = OTLPTracerSpan

    let sender: OTLPHTTPSender?
    let resource: [OTLPSpan.Attribute]
    private let finished = NIOLockedValueBox<[OTLPSpan]>([])

    init(endpoint: String?, serviceName: String) throws {
        sender = try endpoint.map { try OTLPHTTPSender(endpoint: $0) }
        resource = [.init("service.name", .string(serviceName))]
    }

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> OTLPTracerSpan {
        var context = context()
        let parent = context.otlpIDs
        var random = SystemRandomNumberGenerator()
        let ids = OTLPIDs(
            traceID: parent?.traceID ?? (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) },
            spanID: (0..<8).map { _ in UInt8.random(in: 1...255, using: &random) })
        context.otlpIDs = ids
        return OTLPTracerSpan(
            name: operationName, context: context, ids: ids, parent: parent?.spanID ?? [],
            start: instant().nanosecondsSinceEpoch, kind: kind, tracer: self)
    }

    func finish(_ span: OTLPSpan) { finished.withLockedValue { $0.append(span) } }

    /// Posts the finished spans (none are lost on a failure: it is reported and they are kept).
    func forceFlush() {
        guard let sender else { return }
        let spans = finished.withLockedValue { $0 }
        do {
            try sender.send([OTLPBatch(resource: resource, spans: spans)], scopeVersion: "live-spans-example")
            finished.withLockedValue { $0.removeFirst(spans.count) }
        } catch {
            print("could not send spans: \(error)")
        }
    }

    var finishedSpans: [OTLPSpan] { finished.withLockedValue { $0 } }

    func extract<Carrier, Extract>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
    where Extract: Extractor, Extract.Carrier == Carrier {}

    func inject<Carrier, Inject>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Inject: Injector, Inject.Carrier == Carrier {}
}

/// A span's trace and span ids, carried in the context.
struct OTLPIDs: Sendable {
    var traceID: [UInt8]
    var spanID: [UInt8]
}

private enum OTLPIDsKey: InstrumentationContextKey {
    typealias Value = OTLPIDs
}

extension InstrumentationContext {
    var otlpIDs: OTLPIDs? {
        get { self[OTLPIDsKey.self] }
        set { self[OTLPIDsKey.self] = newValue }
    }
}

/// A span of `OTLPTracer`: recorded under a lock, handed to the tracer as an `OTLPSpan` when it ends.
final class OTLPTracerSpan: Tracing.Span, Sendable {
    let context: InstrumentationContext
    private let tracer: OTLPTracer
    private let span: NIOLockedValueBox<(data: OTLPSpan, attributes: SpanAttributes, ended: Bool)>

    init(
        name: String, context: InstrumentationContext, ids: OTLPIDs, parent: [UInt8], start: UInt64, kind: SpanKind,
        tracer: OTLPTracer
    ) {
        self.context = context
        self.tracer = tracer
        var data = OTLPSpan(traceID: ids.traceID, spanID: ids.spanID, parentSpanID: parent, name: name, start: start, end: start)
        switch kind {
        case .server: data.kind = 2
        case .client: data.kind = 3
        case .producer: data.kind = 4
        case .consumer: data.kind = 5
        default: data.kind = 1
        }
        span = NIOLockedValueBox((data, [:], false))
    }

    var operationName: String {
        get { span.withLockedValue { $0.data.name } }
        set { span.withLockedValue { $0.data.name = newValue } }
    }

    var attributes: SpanAttributes {
        get { span.withLockedValue { $0.attributes } }
        set { span.withLockedValue { $0.attributes = newValue } }
    }

    var isRecording: Bool { span.withLockedValue { !$0.ended } }

    func setStatus(_ status: SpanStatus) {
        span.withLockedValue {
            $0.data.status = status.code == .error ? .error : .ok
            $0.data.statusMessage = status.message ?? ""
        }
    }

    func addEvent(_ event: SpanEvent) {
        span.withLockedValue {
            $0.data.events.append(.init(time: event.nanosecondsSinceEpoch, name: event.name, attributes: Self.convert(event.attributes)))
        }
    }

    func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        let event = OTLPSpan.Event(
            time: instant().nanosecondsSinceEpoch, name: "exception",
            attributes: [.init("exception.type", .string(String(describing: type(of: error)))),
                         .init("exception.message", .string(String(describing: error)))] + Self.convert(attributes))
        span.withLockedValue { $0.data.events.append(event) }
    }

    func addLink(_ link: SpanLink) {
        guard let ids = link.context.otlpIDs else { return }
        span.withLockedValue {
            $0.data.links.append(.init(traceID: ids.traceID, spanID: ids.spanID, attributes: Self.convert(link.attributes)))
        }
    }

    func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let end = instant().nanosecondsSinceEpoch
        let done = span.withLockedValue { state -> OTLPSpan? in
            guard !state.ended else { return nil }
            state.ended = true
            state.data.end = max(state.data.start, end)
            state.data.attributes = Self.convert(state.attributes)
            return state.data
        }
        if let done { tracer.finish(done) }
    }

    static func convert(_ attributes: SpanAttributes) -> [OTLPSpan.Attribute] {
        var out: [OTLPSpan.Attribute] = []
        attributes.forEach { key, value in
            switch value {
            case .int32(let v): out.append(.init(key, .int(Int(v))))
            case .int64(let v): out.append(.init(key, .int(Int(v))))
            case .double(let v): out.append(.init(key, .double(v)))
            case .bool(let v): out.append(.init(key, .bool(v)))
            case .string(let v): out.append(.init(key, .string(v)))
            default: out.append(.init(key, .string("\(value)")))
            }
        }
        return out.sorted { $0.key < $1.key }
    }
}
