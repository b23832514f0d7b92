public import Defer

/// Short, bounded descriptions of chain values for `mon.out`: never fails, whatever the value.
public enum ValueDescription {
    /// The longest description written, in characters; longer ones are cut and end in `…`.
    public static let limit = 200

    /// Describes any value in at most `limit` characters (`()` is written as `None`, as Twisted shows it).
    public static func describe(_ value: Any) -> String {
        if value is Void { return "None" }
        if let failure = value as? Failure { return describe(failure) }
        if let text = value as? String { return bounded(text) }
        return bounded(String(describing: value))
    }

    /// `TypeName: message`, bounded.
    public static func describe(_ failure: Failure) -> String {
        bounded("\(failure.typeName): \(failure.errorMessage)")
    }

    /// Cuts `text` to `limit` characters.
    public static func bounded(_ text: String) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }
}
