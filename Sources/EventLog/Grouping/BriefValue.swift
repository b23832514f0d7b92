/// The value of one field a ``BriefTaskGrouper`` keeps: just enough of it to read it as a string or an integer,
/// as ``JSONValue/stringValue`` and ``JSONValue/intValue`` would.
public enum BriefValue: Sendable, Hashable {
    /// The field is not in the message.
    case absent
    /// An integer.
    case int(Int)
    /// Any other number.
    case double(Double)
    /// A string.
    case string(String)
    /// An array (its elements not kept).
    case array
    /// `null`, a boolean or an object.
    case other

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The number as an `Int`, if this is an integer or an integral `Double` in range.
    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d): return JSONValue.double(d).intValue
        default: return nil
        }
    }
}
