/// Writes messages as JSON lines: one object per line, UTF-8, each line ending in `\n`.
///
/// Strings are escaped as JSON requires (quote, backslash, every control character below U+0020); other
/// characters are written as raw UTF-8, as Eliot does. Non-finite doubles are written as `null`. Known
/// fields come first (`task_uuid`, `task_level`, `timestamp`, the type fields, `exception`, `reason`), then
/// the other fields in sorted key order, so output is deterministic. A field in ``EventMessage/fields`` whose
/// name is one of the known ones is not written (the property wins), so no line has a duplicate key.
public struct EventLogEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// The encoded line for `message`, including its final `\n`.
    public func encode(_ message: EventMessage) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(256)
        append(message, to: &buffer)
        return buffer
    }

    /// Appends the encoded line for `message`, including its final `\n`, to `buffer`.
    public func append(_ message: EventMessage, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "{"))
        Self.appendKey("task_uuid", to: &buffer)
        Self.appendString(message.taskUUID, to: &buffer)
        buffer.append(UInt8(ascii: ","))
        Self.appendKey("task_level", to: &buffer)
        buffer.append(UInt8(ascii: "["))
        for (i, level) in message.taskLevel.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            Self.appendInt(level, to: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
        if let timestamp = message.timestamp {
            buffer.append(UInt8(ascii: ","))
            Self.appendKey("timestamp", to: &buffer)
            Self.appendDouble(timestamp, to: &buffer)
        }
        if let messageType = message.messageType {
            buffer.append(UInt8(ascii: ","))
            Self.appendKey("message_type", to: &buffer)
            Self.appendString(messageType, to: &buffer)
        }
        if let actionType = message.actionType {
            buffer.append(UInt8(ascii: ","))
            Self.appendKey("action_type", to: &buffer)
            Self.appendString(actionType, to: &buffer)
        }
        if let status = message.actionStatus {
            buffer.append(UInt8(ascii: ","))
            Self.appendKey("action_status", to: &buffer)
            Self.appendString(status.rawValue, to: &buffer)
        }
        if let exception = message.exception {
            buffer.append(UInt8(ascii: ","))
            Self.appendKey("exception", to: &buffer)
            Self.appendString(exception, to: &buffer)
        }
        if let reason = message.reason {
            buffer.append(UInt8(ascii: ","))
            Self.appendKey("reason", to: &buffer)
            Self.appendString(reason, to: &buffer)
        }
        if !message.fields.isEmpty {
            for key in message.fields.keys.sorted() where !Self.isWritten(key, by: message) {
                buffer.append(UInt8(ascii: ","))
                Self.appendString(key, to: &buffer)
                buffer.append(UInt8(ascii: ":"))
                Self.appendValue(message.fields[key]!, to: &buffer)
            }
        }
        buffer.append(UInt8(ascii: "}"))
        buffer.append(UInt8(ascii: "\n"))
    }

    /// The JSON text of `value` (no newline).
    public func encode(_ value: JSONValue) -> [UInt8] {
        var buffer: [UInt8] = []
        Self.appendValue(value, to: &buffer)
        return buffer
    }

    /// Whether `key` is written from one of `message`'s properties rather than from its fields: the standard
    /// keys always; `exception` and `reason` when the property is set (it wins), so that a failure given as
    /// ordinary fields is still written.
    static func isWritten(_ key: String, by message: EventMessage) -> Bool {
        switch key {
        case "task_uuid", "task_level", "timestamp", "message_type", "action_type", "action_status": true
        case "exception": message.exception != nil
        case "reason": message.reason != nil
        default: false
        }
    }

    @inline(__always)
    static func appendKey(_ key: StaticString, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        buffer.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        buffer.append(UInt8(ascii: "\""))
        buffer.append(UInt8(ascii: ":"))
    }

    static func appendValue(_ value: JSONValue, to buffer: inout [UInt8]) {
        switch value {
        case .null: buffer.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b):
            if b {
                buffer.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
            } else {
                buffer.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
            }
        case .int(let i): appendInt(i, to: &buffer)
        case .double(let d): appendDouble(d, to: &buffer)
        case .string(let s): appendString(s, to: &buffer)
        case .array(let items):
            buffer.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { buffer.append(UInt8(ascii: ",")) }
                appendValue(item, to: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .object(let members):
            buffer.append(UInt8(ascii: "{"))
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { buffer.append(UInt8(ascii: ",")) }
                appendString(key, to: &buffer)
                buffer.append(UInt8(ascii: ":"))
                appendValue(members[key]!, to: &buffer)
            }
            buffer.append(UInt8(ascii: "}"))
        }
    }

    static func appendInt(_ value: Int, to buffer: inout [UInt8]) {
        if value == 0 {
            buffer.append(UInt8(ascii: "0"))
            return
        }
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of stack scratch, enough for 20 digits
        withUnsafeMutableBytes(of: &digits) { raw in
            var n = 0
            while magnitude > 0 {
                raw[23 - n] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            }
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[(24 - n)...]))
        }
    }

    static func appendDouble(_ value: Double, to buffer: inout [UInt8]) {
        guard value.isFinite else {
            buffer.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
            return
        }
        // Swift's description is the shortest text that round-trips, and is valid JSON for finite values.
        buffer.append(contentsOf: value.description.utf8)
    }

    static func appendString(_ string: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { appendEscaped($0, to: &buffer) }
        if done == nil {
            appendEscaped(Array(string.utf8), to: &buffer)
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendEscaped(_ bytes: some Collection<UInt8>, to buffer: inout [UInt8]) {
        var runStart = bytes.startIndex
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let b = bytes[index]
            if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                index = bytes.index(after: index)
                continue
            }
            buffer.append(contentsOf: bytes[runStart..<index])
            buffer.append(UInt8(ascii: "\\"))
            switch b {
            case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
            case 0x0A: buffer.append(UInt8(ascii: "n"))
            case 0x0D: buffer.append(UInt8(ascii: "r"))
            case 0x09: buffer.append(UInt8(ascii: "t"))
            case 0x08: buffer.append(UInt8(ascii: "b"))
            case 0x0C: buffer.append(UInt8(ascii: "f"))
            default:
                buffer.append(contentsOf: [
                    UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigits[Int(b >> 4)],
                    hexDigits[Int(b & 0xF)],
                ])
            }
            index = bytes.index(after: index)
            runStart = index
        }
        buffer.append(contentsOf: bytes[runStart..<index])
    }
}
