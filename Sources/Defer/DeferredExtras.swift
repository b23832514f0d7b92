/// The per-deferred state that most deferreds never use — a canceller, debug locations, aggregate members, an
/// observer — kept out of line so a plain deferred stays small; allocated the first time one is set.
@usableFromInline
final class DeferredExtras {
    var canceller: ((AnyDeferred) -> Void)?
    var debugInfo: DebugInfo?
    var members: [AnyDeferred]?
    var observer: (any DeferredObserver)?
    var observerSlot = 0
    /// Set on a `chainDeferred` target: the deferred whose outcome it waits for (see `AnyDeferred.waitingOn`).
    var chainedTo: AnyDeferred?
}
