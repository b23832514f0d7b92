/// OTLP's protobuf encoding of an `ExportTraceServiceRequest` (what OTLP/HTTP posts to `/v1/traces` with
/// `Content-Type: application/x-protobuf`), written by hand for the few messages it needs: the field numbers
/// are those of opentelemetry-proto's `trace/v1/trace.proto`, `common/v1/common.proto`,
/// `resource/v1/resource.proto` and `collector/trace/v1/trace_service.proto` (the tests decode the bytes with
/// the official Python classes).
public enum OTLPProtobuf {
    /// The request for `batches`.
    public static func request(_ batches: [OTLPBatch], scopeVersion: String) -> [UInt8] {
        var request = Message()
        for batch in batches {
            var resource = Message()
            for attribute in batch.resource { resource.message(1, keyValue(attribute)) }
            var scope = Message()
            scope.string(1, "reactortrack")
            scope.string(2, scopeVersion)
            var scopeSpans = Message()
            scopeSpans.message(1, scope)
            for span in batch.spans { scopeSpans.message(2, message(span)) }
            var resourceSpans = Message()
            resourceSpans.message(1, resource)
            resourceSpans.message(2, scopeSpans)
            request.message(1, resourceSpans)
        }
        return request.bytes
    }

    static func message(_ span: OTLPSpan) -> Message {
        var m = Message()
        m.bytes(1, span.traceID)
        m.bytes(2, span.spanID)
        if !span.parentSpanID.isEmpty { m.bytes(4, span.parentSpanID) }
        m.string(5, span.name)
        m.varint(6, UInt64(span.kind))
        m.fixed64(7, span.start)
        m.fixed64(8, span.end)
        for attribute in span.attributes { m.message(9, keyValue(attribute)) }
        for event in span.events {
            var e = Message()
            e.fixed64(1, event.time)
            e.string(2, event.name)
            for attribute in event.attributes { e.message(3, keyValue(attribute)) }
            m.message(11, e)
        }
        for link in span.links {
            var l = Message()
            l.bytes(1, link.traceID)
            l.bytes(2, link.spanID)
            for attribute in link.attributes { l.message(4, keyValue(attribute)) }
            m.message(13, l)
        }
        var status = Message()
        if !span.statusMessage.isEmpty { status.string(2, span.statusMessage) }
        if span.status != .unset { status.varint(3, UInt64(span.status.rawValue)) }
        m.message(15, status)
        return m
    }

    static func keyValue(_ attribute: OTLPSpan.Attribute) -> Message {
        var value = Message()
        switch attribute.value {
        case .string(let text): value.string(1, text, always: true)
        case .bool(let flag): value.varint(2, flag ? 1 : 0, always: true)
        case .int(let number): value.varint(3, UInt64(bitPattern: Int64(number)), always: true)
        case .double(let number): value.fixed64(4, number.bitPattern, always: true)
        }
        var keyValue = Message()
        keyValue.string(1, attribute.key)
        keyValue.message(2, value)
        return keyValue
    }

    /// A message being written: fields appended as tag, then value.
    struct Message {
        private(set) var bytes: [UInt8] = []

        private mutating func raw(_ value: UInt64) {
            var value = value
            while value >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }

        private mutating func tag(_ field: Int, _ wireType: UInt64) { raw(UInt64(field) << 3 | wireType) }

        /// A varint field (proto3 leaves a zero out unless it is a oneof member: `always`).
        mutating func varint(_ field: Int, _ value: UInt64, always: Bool = false) {
            guard value != 0 || always else { return }
            tag(field, 0)
            raw(value)
        }

        mutating func fixed64(_ field: Int, _ value: UInt64, always: Bool = false) {
            guard value != 0 || always else { return }
            tag(field, 1)
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }

        mutating func bytes(_ field: Int, _ value: [UInt8], always: Bool = false) {
            guard !value.isEmpty || always else { return }
            tag(field, 2)
            raw(UInt64(value.count))
            bytes += value
        }

        mutating func string(_ field: Int, _ value: String, always: Bool = false) {
            bytes(field, Array(value.utf8), always: always)
        }

        /// An embedded message (written even when empty: an empty `Status` is still a status).
        mutating func message(_ field: Int, _ value: Message) { bytes(field, value.bytes, always: true) }
    }
}
