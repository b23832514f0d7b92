public import Defer
import NIOConcurrencyHelpers

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
            return commonText(value) ?? typeName(of: value)
        }
    }

    /// An `Int`, `String`, `Double`, `Bool` or `()` as `.short` writes it, told by the value's exact type: a
    /// comparison of type metadata each, where `as` casts of a struct of the user's cost more than the rest of
    /// its callback.
    private static func commonText(_ value: Any) -> String? {
        func opened<T>(_ payload: T) -> String? {
            if T.self == Int.self, let int = payload as? Int { return String(int) }
            if T.self == String.self, let text = payload as? String { return bounded(text, to: shortLimit) }
            if T.self == Double.self, let double = payload as? Double { return String(double) }
            if T.self == Bool.self, let bool = payload as? Bool { return bool ? "true" : "false" }
            if T.self == Void.self { return "None" }
            return nil
        }
        return opened(value)  // `value` is opened: T is its dynamic type
    }

    /// `<TypeName>` of `value`'s type, bounded, made once per type: making it costs about as much as the rest of a
    /// tracked callback.
    private static func typeName(of value: Any) -> String {
        let type = type(of: value)
        let key = ObjectIdentifier(type)
        if let known = typeNames.withLockedValue({ $0[key] }) { return known }
        let name = bounded("<\(type)>", to: shortLimit)
        typeNames.withLockedValue { names in
            if names.count < typeNameLimit { names[key] = name }
        }
        return name
    }

    /// The type names made so far (at most `typeNameLimit`: a program with more types describes the rest anew).
    private static let typeNames = NIOLockedValueBox<[ObjectIdentifier: String]>([:])
    private static let typeNameLimit = 4_096

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
