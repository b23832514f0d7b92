public import EventLog

/// Somewhere messages go: memory, a file, a threaded writer, a swift-log `Logger`.
///
/// Destinations are called from whatever thread logs (or from a ``ThreadedWriter``'s thread), possibly
/// from several at once, so they must be `Sendable` and do their own locking.
public protocol LogDestination: Sendable {
    /// Writes one message.
    ///
    /// - Throws: Any error; the caller reports it as an `eliot:destination_failure` message.
    func write(_ message: EventMessage) throws

    /// Writes several messages in order and returns the ones that failed, by index, with their errors.
    ///
    /// The default calls ``write(_:)`` for each. A destination that can write a batch more cheaply (one
    /// system call for many lines) overrides it.
    func write(batch: [EventMessage]) -> [(index: Int, error: any Error)]
}

extension LogDestination {
    /// Writes each message with ``write(_:)``, collecting failures.
    public func write(batch: [EventMessage]) -> [(index: Int, error: any Error)] {
        var failures: [(index: Int, error: any Error)] = []
        for (index, message) in batch.enumerated() {
            do { try write(message) } catch { failures.append((index, error)) }
        }
        return failures
    }
}
