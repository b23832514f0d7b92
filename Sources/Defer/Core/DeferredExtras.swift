/// The per-deferred state that most deferreds never use — a canceller, debug locations, aggregate members, an
/// observer — kept out of line so a plain deferred stays small; allocated the first time one is set.
@usableFromInline
final class DeferredExtras {
    var canceller: ((AnyDeferred) throws -> Void)?
    var debugInfo: DebugInfo?
    var members: [AnyDeferred]?
    var observer: (any DeferredObserver)?
    var observerSlot = 0
    /// Where the deferred was made (while ``CreationSites`` records).
    var creationSite: (file: String, line: UInt)?
    /// The context captured when it was made (see ``CreationSites/startCapturingContext(_:)``).
    var creationContext: (any Sendable)?
    /// Pairs added with no observer attached, while ``CreationSites`` records.
    var notedPairs: [NotedPair] = []
    /// The observed pair running now (see `AnyDeferred.runInProgress`).
    var runInProgress: RunInProgress?
    /// Set on a `chainDeferred` target: the deferred whose outcome it waits for (see `AnyDeferred.waitingOn`).
    var chainedTo: AnyDeferred?
}

/// A pair added to a deferred before an observer was attached: what the observer's `didAddPairAt` would have
/// been told.
public struct NotedPair: Sendable {
    public let index: Int
    public let callback: CallbackName
    public let errback: CallbackName
    public let kind: StaticString
    public let file: String
    public let line: UInt
}

/// A pair that is running on an observed deferred: where it is, which half runs, and the token its observer
/// returned when told it would run.
public struct RunInProgress: Sendable, Equatable {
    public let index: Int
    public let onErrorPath: Bool
    public let token: UInt64

    public init(index: Int, onErrorPath: Bool, token: UInt64) {
        self.index = index
        self.onErrorPath = onErrorPath
        self.token = token
    }
}
