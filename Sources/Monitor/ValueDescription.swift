public import Defer

/// Short, bounded descriptions of chain values for `mon.out`: never fails, whatever the value.
public enum ValueDescription {
    /// The longest description written, in characters; longer ones are cut and end in `…`.
    public static let limit = 200
    /// The longest description written under ``ValuePolicy/short``.
    public static let shortLimit = 40
    /// What a value is written as under ``ValuePolicy/none``.
    public static let hidden = "…"

    /// Describes a success value as `policy` asks (see ``ValuePolicy``).
    public static func describe(_ value: Any, policy: ValuePolicy) -> String {
        switch policy {
        case .full: return describe(value)
        case .none: return hidden
        case .short:
            // The common types as themselves; anything else by its type's name, never described.
            switch value {
            case let int as Int: return String(int)
            case let text as String: return bounded(text, to: shortLimit)
            case is Void: return "None"
            case let double as Double: return String(double)
            case let bool as Bool: return bool ? "true" : "false"
            default: return bounded("<\(type(of: value))>", to: shortLimit)
            }
        }
    }

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

    /// Cuts `text` to `limit` characters (or to `bound`).
    public static func bounded(_ text: String, to bound: Int = limit) -> String {
        guard text.utf8.count > bound, text.count > bound else { return text }
        return String(text.prefix(bound - 1)) + "…"
    }
}

/// How much of each chain value (a run's input and output, a firing's value, a chain's last result) a
/// `JSONMonitor` writes into the log. Describing values is most of what a tracked callback costs beyond the
/// record itself; failures are always written in full (type and message), since they are what a log is read for.
public enum ValuePolicy: Sendable, Hashable {
    /// Every value described, in at most ``ValueDescription/limit`` characters (the default).
    case full
    /// Numbers, strings and booleans as themselves, in at most ``ValueDescription/shortLimit`` characters;
    /// any other value by its type's name (`<User>`), without describing it.
    case short
    /// No values: each is written as ``ValueDescription/hidden`` (`…`), and none is looked at.
    case none
}
