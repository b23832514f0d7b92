/// Receives the events of the deferreds it is attached to (see `AnyDeferred.observer`).
///
/// Calls arrive synchronously, on the thread that drives the deferred, in the order things happen.
/// An observer must not fire or add callbacks to the deferred it is told about.
public protocol DeferredObserver: AnyObject, Sendable {
    /// Called for every event of an observed deferred.
    func deferred(_ deferred: AnyDeferred, didRecord event: DeferredEvent)

    /// Called from the deferred's `deinit`: it is gone, and `unhandled` is the failure it still held, if any
    /// ("Unhandled error in Deferred"). Only its identity is passed, since it cannot be retained any more.
    ///
    /// - Parameter observerSlot: The deferred's `observerSlot` when it died.
    func deferredWasReleased(_ id: ObjectIdentifier, observerSlot: Int, unhandled: Failure?)
}
