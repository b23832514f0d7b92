import Foundation

/// A parsed JSON value, compared structurally (object key order never matters).
///
/// Both sides of the Twisted acceptance test are reduced to this: the recorded ground truth in
/// `Inputs/expected.jsonl`, and the events the Swift replay records. Numbers are `Double`, so Python's `10`
/// and Swift's `10.0` compare equal.
enum TraceValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([TraceValue])
    case object([String: TraceValue])

    /// Compact JSON with sorted keys, for readable diffs.
    var json: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let value):
            if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
            return String(value)
        case .string(let value): return Self.quoted(value)
        case .array(let values): return "[" + values.map(\.json).joined(separator: ", ") + "]"
        case .object(let fields):
            let body = fields.keys.sorted().map { "\(Self.quoted($0)): \(fields[$0]!.json)" }
            return "{" + body.joined(separator: ", ") + "}"
        }
    }

    /// The object's fields, or `nil` for any other kind of value.
    var fields: [String: TraceValue]? {
        if case .object(let fields) = self { return fields }
        return nil
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension TraceValue: Decodable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([TraceValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: TraceValue].self))
        }
    }
}

extension TraceValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    init(nilLiteral: ()) { self = .null }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(integerLiteral value: Int) { self = .number(Double(value)) }
    init(floatLiteral value: Double) { self = .number(value) }
    init(stringLiteral value: String) { self = .string(value) }
    init(arrayLiteral elements: TraceValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, TraceValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
