/// What a `deferredList` fires with.
public enum DeferredListResult<Value> {
    /// Every member's outcome, in input order (Twisted's list of `(success, result)` pairs).
    case all([Result<Value, Failure>])
    /// With `fireOnOneCallback`: the first member to succeed, and its index.
    case first(Value, index: Int)
}

extension DeferredListResult: CustomStringConvertible {
    /// As Twisted's repr reads it: `[(true, 6), (false, TimeoutError: Deferred timed out)]`, one `(success,
    /// result)` pair per member, or `(6, 0)`, the value and its index, for the first to succeed.
    public var description: String {
        switch self {
        case .all(let outcomes):
            let pairs = outcomes.map { outcome in
                switch outcome {
                case .success(let value): "(true, \(Self.describe(value)))"
                case .failure(let failure): "(false, \(failure.typeName): \(failure.errorMessage))"
                }
            }
            return "[" + pairs.joined(separator: ", ") + "]"
        case .first(let value, let index):
            return "(\(Self.describe(value)), \(index))"
        }
    }

    /// A member's value: `None` for `()`, as Twisted shows it.
    private static func describe(_ value: Value) -> String {
        value is Void ? "None" : String(describing: value)
    }
}
