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
}

/// The locations a deferred records in debug mode.
struct DebugInfo {
    var createdAt: String
    var firstFiredAt: String?
}
