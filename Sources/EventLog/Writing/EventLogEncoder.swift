/// Writes messages as JSON lines: one object per line, UTF-8, each line ending in `\n`.
///
/// Strings are escaped as JSON requires (quote, backslash, every control character below U+0020); other
/// characters are written as raw UTF-8, as Eliot does. Non-finite doubles are written as `null`. Known
/// fields come first (`task_uuid`, `task_level`, `timestamp`, the type fields, `exception`, `reason`), then
/// the other fields in sorted key order, so output is deterministic. A field in ``EventMessage/fields`` whose
/// name is one of the known ones is not written (the property wins), so no line has a duplicate key.
///
/// The bytes are written by ``LineBuilder``, the package's one JSON-lines writer.
public struct EventLogEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// The encoded line for `message`, including its final `\n`.
    public func encode(_ message: EventMessage) -> [UInt8] {
        var line = LineBuilder(capacity: 256)
        line.append(message)
        return line.bytes
    }

    /// Appends the encoded line for `message`, including its final `\n`, to `buffer`.
    public func append(_ message: EventMessage, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: encode(message))
    }

    /// The JSON text of `value` (no newline).
    public func encode(_ value: JSONValue) -> [UInt8] {
        var line = LineBuilder(capacity: 64)
        Self.write(value, to: &line)
        return line.bytes
    }

    /// Writes `message` as a JSON object without its closing brace (``LineBuilder/close()`` ends the line).
    static func write(_ message: EventMessage, to line: inout LineBuilder) {
        line.byte(UInt8(ascii: "{"))
        line.key("task_uuid", first: true)
        line.string(message.taskUUID)
        line.key("task_level")
        line.byte(UInt8(ascii: "["))
        for (i, level) in message.taskLevel.enumerated() {
            if i > 0 { line.byte(UInt8(ascii: ",")) }
            line.int(level)
        }
        line.byte(UInt8(ascii: "]"))
        if let timestamp = message.timestamp { line.field("timestamp", timestamp) }
        if let messageType = message.messageType { line.field("message_type", messageType) }
        if let actionType = message.actionType { line.field("action_type", actionType) }
        if let status = message.actionStatus { line.field("action_status", status.rawValue) }
        if let exception = message.exception { line.field("exception", exception) }
        if let reason = message.reason { line.field("reason", reason) }
        if !message.fields.isEmpty {
            for key in message.fields.keys.sorted() where !isWritten(key, by: message) {
                // A field's name comes from the log's user: escaped like any string.
                line.byte(UInt8(ascii: ","))
                line.string(key)
                line.byte(UInt8(ascii: ":"))
                write(message.fields[key]!, to: &line)
            }
        }
    }

    /// Whether `key` is written from one of `message`'s properties rather than from its fields: the standard
    /// keys always; `exception` and `reason` when the property is set (it wins), so that a failure given as
    /// ordinary fields is still written.
    /// Whether `key` is one of the keys a message's own properties are written as (so a field by that name
    /// would not be written as given).
    package static func isReserved(_ key: String) -> Bool {
        switch key {
        case "task_uuid", "task_level", "timestamp", "message_type", "action_type", "action_status", "exception",
            "reason":
            true
        default: false
        }
    }

    static func isWritten(_ key: String, by message: EventMessage) -> Bool {
        switch key {
        case "task_uuid", "task_level", "timestamp", "message_type", "action_type", "action_status": true
        case "exception": message.exception != nil
        case "reason": message.reason != nil
        default: false
        }
    }

    static func write(_ value: JSONValue, to line: inout LineBuilder) {
        switch value {
        case .null: line.raw("null")
        case .bool(let b): line.raw(b ? "true" : "false")
        case .int(let i): line.int(i)
        case .double(let d): line.double(d)
        case .string(let s): line.string(s)
        case .array(let items):
            line.byte(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { line.byte(UInt8(ascii: ",")) }
                write(item, to: &line)
            }
            line.byte(UInt8(ascii: "]"))
        case .object(let members):
            line.byte(UInt8(ascii: "{"))
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { line.byte(UInt8(ascii: ",")) }
                line.string(key)
                line.byte(UInt8(ascii: ":"))
                write(members[key]!, to: &line)
            }
            line.byte(UInt8(ascii: "}"))
        }
    }
}
