import NIOConcurrencyHelpers
import Synchronization

/// Debug mode: when on, new deferreds remember where they were created and first fired.
///
/// The locations show up in `AlreadyCalledError` and in unhandled-error reports. It costs a small allocation per
/// deferred, so it is off by default (Twisted's `setDebugging`).
public enum DeferredDebug {
    private static let flag = Atomic<Bool>(false)

    /// Whether new deferreds record their creation and first-fire locations.
    public static var isEnabled: Bool {
        get { flag.load(ordering: .relaxed) }
        set { flag.store(newValue, ordering: .relaxed) }
    }
}

/// Where deferreds were created, and the pairs added to them before an observer was attached, recorded while an
/// observer wants it (a `JSONMonitor` does: to say where a chain it tracks was made rather than where it was
/// tracked, and to name the pairs a function added before returning the chain). Off, it costs one relaxed load.
public enum CreationSites {
    private static let users = Atomic<Int>(0)

    /// Whether new deferreds record their creation site (see ``AnyDeferred/creationSite``).
    public static var isRecording: Bool { users.load(ordering: .relaxed) > 0 }

    /// Starts recording for one more user; balance with ``stopRecording()``.
    public static func startRecording() { users.wrappingAdd(1, ordering: .relaxed) }

    /// Stops recording for one user.
    public static func stopRecording() { users.wrappingSubtract(1, ordering: .relaxed) }

    private static let contextUsers = Atomic<Int>(0)
    private static let contextProvider = NIOLockedValueBox<(@Sendable () -> (any Sendable)?)?>(nil)

    /// Records, with each new deferred's creation site, what `provider` returns then (a tracing library's current
    /// context: `TracingMonitor` parents a chain's span to the context its Deferred was created in). Starts
    /// recording creation sites too; balance with ``stopCapturingContext()``.
    public static func startCapturingContext(_ provider: @escaping @Sendable () -> (any Sendable)?) {
        contextProvider.withLockedValue { $0 = provider }
        contextUsers.wrappingAdd(1, ordering: .relaxed)
        startRecording()
    }

    /// Stops capturing for one user (the provider is dropped with the last).
    public static func stopCapturingContext() {
        stopRecording()
        if contextUsers.wrappingSubtract(1, ordering: .relaxed).newValue == 0 {
            contextProvider.withLockedValue { $0 = nil }
        }
    }

    /// The context to record for a deferred made now, if one is being captured.
    static func currentContext() -> (any Sendable)? {
        guard contextUsers.load(ordering: .relaxed) > 0 else { return nil }
        return contextProvider.withLockedValue { $0 }?()
    }
}

/// The locations a deferred records in debug mode.
struct DebugInfo {
    var createdAt: String
    var firstFiredAt: String?
}
