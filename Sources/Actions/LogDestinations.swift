public import EventLog
import NIOConcurrencyHelpers

/// A set of destinations that messages are sent to, like Eliot's `Destinations`.
///
/// There is one process-wide set, ``global``. A scope can replace it for everything logged inside (and in
/// child tasks) with ``withLogDestinations(_:operation:)``; each test uses that with its own
/// ``MemoryDestination``. An action remembers the set that was current when its task began, so its
/// messages keep going there even when logged from another thread.
///
/// When a destination throws, the set writes an `eliot:destination_failure` message to its destinations
/// (dropping it where that fails too) and counts the failure, as Eliot's `Logger.write` does.
public final class LogDestinations: Sendable {
    /// The process-wide set, used when no scope has bound another.
    public static let global = LogDestinations()

    /// The set bound by the innermost ``withLogDestinations(_:operation:)``, if any.
    @TaskLocal public static var bound: LogDestinations?

    /// The set messages logged here go to: the bound one, else ``global``.
    public static var current: LogDestinations { bound ?? global }

    private struct State {
        var destinations: [any LogDestination]
        var failures = 0
    }

    private let state: NIOLockedValueBox<State>

    /// Creates a set holding `destinations`.
    public init(_ destinations: [any LogDestination] = []) {
        state = NIOLockedValueBox(State(destinations: destinations))
    }

    /// Adds a destination.
    public func add(_ destination: any LogDestination) {
        state.withLockedValue { $0.destinations.append(destination) }
    }

    /// Removes a destination (a class instance), compared by identity.
    public func remove(_ destination: any LogDestination & AnyObject) {
        state.withLockedValue { $0.destinations.removeAll { ($0 as AnyObject) === destination } }
    }

    /// The destinations, in the order added.
    public var destinations: [any LogDestination] { state.withLockedValue { $0.destinations } }

    /// How many times a destination has thrown.
    public var failureCount: Int { state.withLockedValue { $0.failures } }

    /// Sends `message` to every destination.
    public func send(_ message: EventMessage) {
        let targets = state.withLockedValue { $0.destinations }
        var errors: [any Error] = []
        for destination in targets {
            do { try destination.write(message) } catch { errors.append(error) }
        }
        guard !errors.isEmpty else { return }
        // As Eliot does: after trying every destination, report each failure to all of them.
        state.withLockedValue { $0.failures += errors.count }
        for error in errors {
            let failure = DestinationFailure.message(for: message, error: error)
            for target in targets { try? target.write(failure) }
        }
    }
}

/// Runs `operation` with `destinations` as the place every message logged inside it goes to.
public func withLogDestinations<R>(_ destinations: LogDestinations, operation: () throws -> R) rethrows -> R {
    try LogDestinations.$bound.withValue(destinations, operation: operation)
}

/// Runs `operation` with `destinations` as the place every message logged inside it (and in its child
/// tasks) goes to.
public func withLogDestinations<R>(
    _ destinations: LogDestinations, isolation: isolated (any Actor)? = #isolation,
    operation: () async throws -> R
) async rethrows -> R {
    try await LogDestinations.$bound.withValue(destinations, operation: operation, isolation: isolation)
}

/// Runs `operation` with a set holding only `destination`, such as a test's ``MemoryDestination``.
public func withLogDestination<R>(_ destination: any LogDestination, operation: () throws -> R) rethrows -> R {
    try withLogDestinations(LogDestinations([destination]), operation: operation)
}

/// Runs `operation` with a set holding only `destination`, such as a test's ``MemoryDestination``.
public func withLogDestination<R>(
    _ destination: any LogDestination, isolation: isolated (any Actor)? = #isolation,
    operation: () async throws -> R
) async rethrows -> R {
    try await withLogDestinations(LogDestinations([destination]), isolation: isolation, operation: operation)
}
