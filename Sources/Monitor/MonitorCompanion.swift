public import Defer

/// Follows what a `JSONMonitor` tracks, as it happens: given to the monitor (`JSONMonitor(…, companion:)`), it
/// is told of every chain the monitor starts and every event of it, after the monitor recorded it (so a
/// Deferred the event links to is tracked already). `TracingMonitor` is one: it emits the same run as live
/// spans, while the monitor writes `mon.out`. A Deferred has one observer, the monitor; this is how a second
/// one sees it.
///
/// Calls arrive on the thread that drives the Deferred, as the observer's do.
public protocol MonitorCompanion: AnyObject, Sendable {
    /// The monitor started chain `id` for `deferred`, labelled `label`; `parent` is the tracked Deferred it was
    /// followed from (returned, waited on, chained), or `nil` when the program tracked it.
    func monitorTracked(_ deferred: AnyDeferred, label: String, id: Int, from parent: AnyDeferred?)

    /// An event of a tracked Deferred (runs come as `.willRun` and `.didRun`, added pairs as `.added`).
    func monitorObserved(_ deferred: AnyDeferred, event: DeferredEvent)

    /// A tracked Deferred was released, holding `unhandled` if its last result was a failure nobody handled.
    func monitorReleased(_ id: ObjectIdentifier, unhandled: Failure?)

    /// The monitor stopped: chains still open are ended.
    func monitorStopped()
}
