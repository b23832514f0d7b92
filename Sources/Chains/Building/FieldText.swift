import EventLog

/// Short, single-line text for JSON field values, as shown in labels and tooltips.
enum FieldText {
    /// Message keys that are shown elsewhere and left out of field lists.
    static let standardKeys: Set<String> = [
        "task_uuid", "task_level", "timestamp", "message_type", "action_type", "action_status",
    ]

    /// A value as text: strings bare, everything else as compact JSON.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .string(let s): s
        case .array(let items): "[" + items.map(quoted).joined(separator: ", ") + "]"
        case .object(let fields):
            "{" + fields.sorted { $0.key < $1.key }.map { "\($0.key): \(quoted($0.value))" }.joined(separator: ", ")
                + "}"
        }
    }

    private static func quoted(_ value: JSONValue) -> String {
        if case .string(let s) = value { return "\"\(s)\"" }
        return text(value)
    }

    /// `key: value` lines for a message's non-standard fields, sorted by key.
    static func lines(_ message: EventMessage?) -> [String] {
        fields(message).map { "\($0.key): \($0.value)" }
    }

    /// Every non-standard field of a message, `exception` and `reason` among them, sorted by key (as eliot-tree
    /// lists them).
    static func fields(_ message: EventMessage?) -> [FieldLine] {
        guard let message else { return [] }
        var result = message.fields.filter { !standardKeys.contains($0.key) }
            .map { FieldLine(key: $0.key, value: text($0.value)) }
        if let exception = message.exception { result.append(FieldLine(key: EventMessage.Key.exception, value: exception)) }
        if let reason = message.reason { result.append(FieldLine(key: EventMessage.Key.reason, value: reason)) }
        return result.sorted { $0.key < $1.key }
    }

    /// The level as eliot-tree writes it: `/2/1`.
    static func level(_ level: [Int]) -> String { WrittenTask.levelText(level) }
}
