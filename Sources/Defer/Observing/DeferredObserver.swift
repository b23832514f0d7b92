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

    /// Called just before the pair at `index` runs (the `.willRun` event). What it returns is the run's token:
    /// the deferred keeps it in `runInProgress` while the pair runs and hands it back to
    /// `deferred(_:didRunPairAt:onErrorPath:returned:token:)`. An observer can so note the start (a timestamp,
    /// say) without storing anything itself, and record the whole run when it ends.
    ///
    /// `previous` is what `didRunPairAt` returned for the pair that ran just before, when nothing but the chain's
    /// own step to this pair happened since (no pass-through, no wait): an observer that stamps times can take
    /// the previous run's end as this one's start instead of reading its clock again. The default forwards
    /// `.willRun` to `deferred(_:didRecord:)` and returns 0.
    func deferred(_ deferred: AnyDeferred, willRunPairAt index: Int, onErrorPath: Bool, after previous: UInt64?)
        -> UInt64

    /// Called when the pair that `willRunPairAt` announced has returned (the `.didRun` event), with that call's
    /// token. What it returns is handed to the next `willRunPairAt` as `previous` when the next pair runs
    /// straight after. The default forwards `.didRun(index:returned:)` to `deferred(_:didRecord:)` and returns 0.
    func deferred(
        _ deferred: AnyDeferred, didRunPairAt index: Int, onErrorPath: Bool, returned: AnyDeferred?, token: UInt64
    ) -> UInt64

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

    public func deferred(
        _ deferred: AnyDeferred, willRunPairAt index: Int, onErrorPath: Bool, after previous: UInt64?
    ) -> UInt64 {
        self.deferred(deferred, didRecord: .willRun(index: index, onErrorPath: onErrorPath))
        return 0
    }

    public func deferred(
        _ deferred: AnyDeferred, didRunPairAt index: Int, onErrorPath: Bool, returned: AnyDeferred?, token: UInt64
    ) -> UInt64 {
        self.deferred(deferred, didRecord: .didRun(index: index, returned: returned))
        return 0
    }
}
