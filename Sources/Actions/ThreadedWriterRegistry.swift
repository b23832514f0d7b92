import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Remembers running ``ThreadedWriter``s so that an `atexit` handler can let them drain (for a bounded
/// time) when the process exits without calling `stop()`.
final class ThreadedWriterRegistry: Sendable {
    static let shared = ThreadedWriterRegistry()

    private struct Entry {
        weak var writer: ThreadedWriter?
    }

    private let state = NIOLockedValueBox<(entries: [Entry], installed: Bool)>(([], false))

    func register(_ writer: ThreadedWriter) {
        let install = state.withLockedValue { state -> Bool in
            state.entries.removeAll { $0.writer == nil }
            state.entries.append(Entry(writer: writer))
            defer { state.installed = true }
            return !state.installed
        }
        if install {
            atexit { ThreadedWriterRegistry.shared.drainAll() }
        }
    }

    func drainAll() {
        let writers = state.withLockedValue { $0.entries.compactMap(\.writer) }
        for writer in writers {
            writer.stop(timeout: .seconds(1))
        }
    }
}
