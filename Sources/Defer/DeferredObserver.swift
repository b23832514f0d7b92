/// Receives the events of the deferreds it is attached to (see `AnyDeferred.observer`).
///
/// Calls arrive synchronously, on the thread that drives the deferred, in the order things happen.
/// An observer must not fire or add callbacks to the deferred it is told about.
public protocol DeferredObserver: AnyObject, Sendable {
    /// Called for every event of an observed deferred.
    func deferred(_ deferred: AnyDeferred, didRecord event: DeferredEvent)

    /// Called when a pair is added: the `.added` event, as its own call so an observer that records every pair
    /// gets the names and call site as borrowed arguments, not inside an event value it must copy and destroy.
    /// The default forwards `.added(...)` to `deferred(_:didRecord:)`.
    func deferred(
        _ deferred: AnyDeferred, didAddPairAt index: Int, callback: CallbackName, errback: CallbackName,
        kind: StaticString, file: String, line: UInt)

    /// Called from the deferred's `deinit`: it is gone, and `unhandled` is the failure it still held, if any
    /// ("Unhandled error in Deferred"). Only its identity is passed, since it cannot be retained any more.
    ///
    /// - Parameter observerSlot: The deferred's `observerSlot` when it died.
    func deferredWasReleased(_ id: ObjectIdentifier, observerSlot: Int, unhandled: Failure?)
}

extension DeferredObserver {
    public func deferred(
        _ deferred: AnyDeferred, didAddPairAt index: Int, callback: CallbackName, errback: CallbackName,
        kind: StaticString, file: String, line: UInt
    ) {
        self.deferred(
            deferred,
            didRecord: .added(index: index, callback: callback, errback: errback, kind: kind, file: file, line: line))
    }
}
