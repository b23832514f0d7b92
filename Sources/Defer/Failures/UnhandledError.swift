import NIOConcurrencyHelpers

/// A failure that was still unhandled when its deferred was released ("Unhandled error in Deferred:").
public struct UnhandledError: Sendable, CustomStringConvertible {
    /// The failure nobody handled.
    public let failure: Failure
    /// The deferred's id.
    public let deferredID: UInt64
    /// Where the deferred was created, in debug mode.
    public let createdAt: String?
    /// Where the deferred was first fired, in debug mode.
    public let firstFiredAt: String?
    /// The first line of the report: what happened.
    public let headline: String

    /// A report; `headline` is Twisted's for a failure left unhandled unless told otherwise.
    public init(
        failure: Failure, deferredID: UInt64, createdAt: String?, firstFiredAt: String?,
        headline: String = "Unhandled error in Deferred:"
    ) {
        self.failure = failure
        self.deferredID = deferredID
        self.createdAt = createdAt
        self.firstFiredAt = firstFiredAt
        self.headline = headline
    }

    /// The report as Twisted logs it: the headline, then the failure, then debug locations.
    public var description: String {
        var text = "\(headline)\n\(failure)\(failure.site.map { " (at \($0))" } ?? "")"
        if let createdAt { text += "\n(debug:  C: Deferred was created: \(createdAt))" }
        if let firstFiredAt { text += "\n(debug:  I: First Invoker was: \(firstFiredAt))" }
        return text
    }

    /// Where unhandled errors go; stderr by default. Replace it to collect or forward them.
    public static var sink: @Sendable (UnhandledError) -> Void {
        get { sinkStorage.withLockedValue { $0 } }
        set { sinkStorage.withLockedValue { $0 = newValue } }
    }

    /// Restores the default sink (stderr).
    public static func resetSink() { sink = writeToStandardError }

    private static let sinkStorage = NIOLockedValueBox<@Sendable (UnhandledError) -> Void>(writeToStandardError)

    @Sendable private static func writeToStandardError(_ report: UnhandledError) {
        StandardError.write(report.description + "\n")
    }
}
