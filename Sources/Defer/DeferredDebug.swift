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

/// The locations a deferred records in debug mode.
struct DebugInfo {
    var createdAt: String
    var firstFiredAt: String?
}
