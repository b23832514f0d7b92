import Defer
import Synchronization

/// Collects unhandled-error reports while a body runs (the sink is global, so collection is serialized).
final class UnhandledReports: Sendable {
    private static let exclusive = Mutex(())
    private final class Store: Sendable {
        let reports = Mutex<[UnhandledError]>([])
    }
    private let store = Store()

    var reports: [UnhandledError] { store.reports.withLock { $0 } }

    func collect(_ body: () throws -> Void) rethrows {
        try Self.exclusive.withLock { _ in
            let previous = UnhandledError.sink
            UnhandledError.sink = { [store] report in store.reports.withLock { $0.append(report) } }
            defer { UnhandledError.sink = previous }
            try body()
        }
    }
}
