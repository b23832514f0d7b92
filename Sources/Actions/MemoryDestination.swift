public import EventLog
import NIOConcurrencyHelpers

/// Keeps messages in memory, so tests can assert on rebuilt action trees rather than strings.
///
/// ```swift
/// let memory = MemoryDestination()
/// try await withLogDestination(memory) { try await withAction("app:fetch") { _ in ... } }
/// #expect(memory.tasks.first?.root.action?.status == .succeeded)
/// ```
public final class MemoryDestination: LogDestination {
    private let stored = NIOLockedValueBox<[EventMessage]>([])

    /// Creates an empty destination.
    public init() {}

    /// Appends the message.
    public func write(_ message: EventMessage) {
        stored.withLockedValue { $0.append(message) }
    }

    /// Appends the messages.
    public func write(batch: [EventMessage]) -> [(index: Int, error: any Error)] {
        stored.withLockedValue { $0.append(contentsOf: batch) }
        return []
    }

    /// The messages, in the order they were written.
    public var messages: [EventMessage] { stored.withLockedValue { $0 } }

    /// The messages rebuilt into task trees (see ``TaskGrouper``), in order of each task's first message.
    public var tasks: [WrittenTask] { TaskGrouper.group(messages) }

    /// Removes every message.
    public func clear() {
        stored.withLockedValue { $0.removeAll() }
    }
}
