/// What an untyped callback or errback hands back to the chain.
public enum CallbackResult {
    /// A success value: the next pair's callback runs.
    case value(Any)
    /// A failure: the next pair's errback runs (the same as throwing it).
    case failure(Failure)
    /// Another deferred: the chain waits for it and continues with its result.
    case deferred(AnyDeferred)
}
