public import Defer

/// Short, bounded descriptions of chain values for `mon.out`: never fails, whatever the value.
public enum ValueDescription {
    /// The longest description written, in characters; longer ones are cut and end in `…`.
    public static let limit = 200

    /// Describes any value in at most `limit` characters (`()` is written as `None`, as Twisted shows it).
    public static func describe(_ value: Any) -> String {
        // The common cases first, without going through String(describing:).
        switch value {
        case let int as Int: return String(int)
        case let text as String: return bounded(text)
        case is Void: return "None"
        case let failure as Failure: return describe(failure)
        case let double as Double: return String(double)
        case let bool as Bool: return bool ? "true" : "false"
        default: return bounded(String(describing: value))
        }
    }

    /// `TypeName: message`, bounded.
    public static func describe(_ failure: Failure) -> String {
        bounded("\(failure.typeName): \(failure.errorMessage)")
    }

    /// Cuts `text` to `limit` characters.
    public static func bounded(_ text: String) -> String {
        guard text.utf8.count > limit, text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }
}
