import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A writer with a thread of its own that must be let drain when the process exits without stopping it.
public protocol ExitDrainable: AnyObject, Sendable {
    /// Writes what is queued and stops, waiting at most `seconds`.
    func drainAtExit(seconds: Double)
}

/// Remembers running writers (``ThreadedWriter``, the monitor's streaming writer) so that one `atexit` handler
/// lets each drain, for a bounded time, when the process exits without calling `stop()`.
public final class ExitDrain: Sendable {
    /// The registry.
    public static let shared = ExitDrain()

    private struct Entry {
        weak var writer: (any ExitDrainable)?
    }

    private let state = NIOLockedValueBox<(entries: [Entry], installed: Bool)>(([], false))

    /// Remembers `writer` (weakly) until the process exits; installs the handler the first time.
    public func register(_ writer: any ExitDrainable) {
        let install = state.withLockedValue { state -> Bool in
            state.entries.removeAll { $0.writer == nil }
            state.entries.append(Entry(writer: writer))
            defer { state.installed = true }
            return !state.installed
        }
        if install {
            atexit { ExitDrain.shared.drainAll() }
        }
    }

    func drainAll() {
        let writers = state.withLockedValue { $0.entries.compactMap(\.writer) }
        for writer in writers { writer.drainAtExit(seconds: 1) }
    }
}
