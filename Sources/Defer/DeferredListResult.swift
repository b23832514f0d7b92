/// What a `deferredList` fires with.
public enum DeferredListResult<Value> {
    /// Every member's outcome, in input order (Twisted's list of `(success, result)` pairs).
    case all([Result<Value, Failure>])
    /// With `fireOnOneCallback`: the first member to succeed, and its index.
    case first(Value, index: Int)
}
