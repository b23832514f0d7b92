/// One thing that happened to an observed deferred, reported synchronously on the thread it happened on.
///
/// Events are small values; an unobserved deferred builds none of them.
public enum DeferredEvent {
    /// A callback/errback pair was added at `index`; a `nil` label means that half is a pass-through.
    case added(index: Int, callback: String?, errback: String?, file: String, line: UInt)
    /// The deferred fired with a value or a failure.
    case fired(Result<Any, Failure>)
    /// The pair at `index` is about to run its callback (`onErrorPath == false`) or errback, with `input`.
    case willRun(index: Int, onErrorPath: Bool, input: Result<Any, Failure>)
    /// The pair at `index` has a pass-through for the current track: nothing ran.
    case skipped(index: Int)
    /// The pair at `index` returned; `output` is the new current result (or the deferred it returned).
    case didRun(index: Int, output: CallbackResult)
    /// The chain stopped to wait on another deferred (implicit chaining).
    case waiting(on: AnyDeferred)
    /// The deferred it waited on handed over its result, and the chain resumes.
    case resumed(from: AnyDeferred)
    /// `chainDeferred(_:)` linked this deferred's outcome to `target`.
    case chained(to: AnyDeferred)
    /// `pause()` or `unpause()` changed the pause counter to `count`.
    case pauseChanged(count: Int)
    /// `cancel()` was called.
    case cancelled
}
