/// Where a deferred's chain stands: its current result (Twisted's `result`).
public enum DeferredState {
    /// Not fired yet.
    case pending
    /// The current result is a success value. After handing its result to a waiting deferred, a deferred
    /// keeps `()` here (Twisted's `None`).
    case success(Any)
    /// The current result is a failure: the next errback will see it.
    case failure(Failure)
    /// Fired, but waiting on another deferred that a callback returned.
    case waiting(AnyDeferred)
}
