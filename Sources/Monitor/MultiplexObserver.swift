public import Defer

/// Fans one Deferred's events out to several observers, in order: a Deferred has one observer slot, and this is
/// how more than one observer sees it (swift-log's `MultiplexLogHandler`, for Deferreds).
///
/// A `JSONMonitor` given another observer (`JSONMonitor(…, companion: TracingMonitor())`) puts one of these in
/// the slot of every Deferred it tracks, itself first: the other observer hears of each event after the monitor
/// recorded it, so a Deferred the event links to is tracked already.
///
/// Run tokens: `willRunPairAt` returns the first observer's token and `didRunPairAt` hands it back to it; the
/// others are told `previous: nil` and `token: 0` (an observer that times runs with its tokens goes first).
public final class MultiplexObserver: DeferredObserver, Sendable {
    /// The observers told of each event, in this order.
    public let observers: [any DeferredObserver]

    /// Fans out to `observers`, in order.
    public init(_ observers: [any DeferredObserver]) {
        self.observers = observers
    }

    public func deferred(_ deferred: AnyDeferred, didRecord event: DeferredEvent) {
        for observer in observers { observer.deferred(deferred, didRecord: event) }
    }

    public func deferred(
        _ deferred: AnyDeferred, didAddPairAt index: Int, callback: CallbackName, errback: CallbackName,
        kind: StaticString, file: String, line: UInt
    ) {
        for observer in observers {
            observer.deferred(
                deferred, didAddPairAt: index, callback: callback, errback: errback, kind: kind, file: file, line: line)
        }
    }

    public func deferred(
        _ deferred: AnyDeferred, willRunPairAt index: Int, onErrorPath: Bool, after previous: UInt64?
    ) -> UInt64 {
        var token: UInt64 = 0
        for (position, observer) in observers.enumerated() {
            let mine = observer.deferred(
                deferred, willRunPairAt: index, onErrorPath: onErrorPath, after: position == 0 ? previous : nil)
            if position == 0 { token = mine }
        }
        return token
    }

    public func deferred(
        _ deferred: AnyDeferred, didRunPairAt index: Int, onErrorPath: Bool, returned: AnyDeferred?, token: UInt64
    ) -> UInt64 {
        var result: UInt64 = 0
        for (position, observer) in observers.enumerated() {
            let mine = observer.deferred(
                deferred, didRunPairAt: index, onErrorPath: onErrorPath, returned: returned,
                token: position == 0 ? token : 0)
            if position == 0 { result = mine }
        }
        return result
    }

    public func deferredWasReleased(_ id: ObjectIdentifier, observerSlot: Int, unhandled: Failure?) {
        for observer in observers { observer.deferredWasReleased(id, observerSlot: observerSlot, unhandled: unhandled) }
    }
}

/// An observer that wants, beside each Deferred's events, what only the monitor knows: which chains it tracks
/// (label, id, the chain followed from) and when it stops. A `JSONMonitor` tells its `companion` so when the
/// companion conforms (`TracingMonitor` does, to title and number its spans as `mon.out` has them).
public protocol MonitorChainObserver: DeferredObserver {
    /// The monitor started chain `id` for `deferred`, labelled `label`; `parent` is the tracked Deferred it was
    /// followed from (returned, waited on, chained), or `nil` when the program tracked it. Told before any
    /// event of the chain.
    func monitorTracked(_ deferred: AnyDeferred, label: String, id: Int, from parent: AnyDeferred?)

    /// The monitor stopped: chains still open are ended.
    func monitorStopped()
}
