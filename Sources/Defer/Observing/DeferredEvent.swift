/// One thing that happened to an observed deferred, reported synchronously on the thread it happened on.
///
/// Events are small values that hold no results (observers read `state`): they copy with a few retains, and an
/// unobserved deferred builds none of them.
public enum DeferredEvent {
    /// A callback/errback pair was added at `index` by an `add*` call of `kind` ("callback", "errback", "both",
    /// "callbacks") at `file`:`line`.
    case added(index: Int, callback: CallbackName, errback: CallbackName, kind: StaticString, file: String, line: UInt)
    /// The deferred fired; its `state` holds the value or failure (not copied into the event).
    case fired
    /// The pair at `index` is about to run its callback (`onErrorPath == false`) or errback; its input is the
    /// deferred's `state` at this moment (not copied into the event, so observing a run costs no value copy).
    case willRun(index: Int, onErrorPath: Bool)
    /// The pair at `index` has a pass-through for the current track: nothing ran.
    case skipped(index: Int)
    /// The pair at `index` returned. If it returned a deferred, that is `returned` (the chain goes on with its
    /// result); otherwise the new current result is the deferred's `state` at this moment.
    case didRun(index: Int, returned: AnyDeferred?)
    /// The chain stopped to wait on another deferred (implicit chaining).
    case waiting(on: AnyDeferred)
    /// The deferred it waited on handed over its result, and the chain resumes; also sent, without a wait, when a
    /// callback returned a deferred that had already fired and its result was taken at once.
    case resumed(from: AnyDeferred)
    /// `chainDeferred(_:)` linked this deferred's outcome to `target`.
    case chained(to: AnyDeferred)
    /// `pause()` or `unpause()` changed the pause counter to `count`.
    case pauseChanged(count: Int)
    /// `cancel()` was called.
    case cancelled
}
