import Defer
import NIOConcurrencyHelpers

/// Collects unhandled-error reports while a body runs (the sink is global, so collection is serialized).
final class UnhandledReports: Sendable {
    private static let exclusive = NIOLockedValueBox(())
    private final class Store: Sendable {
        let reports = NIOLockedValueBox<[UnhandledError]>([])
    }
    private let store = Store()

    var reports: [UnhandledError] { store.reports.withLockedValue { $0 } }

    func collect(_ body: () throws -> Void) rethrows {
        try Self.exclusive.withLockedValue { _ in
            let previous = UnhandledError.sink
            UnhandledError.sink = { [store] report in store.reports.withLockedValue { $0.append(report) } }
            defer { UnhandledError.sink = previous }
            try body()
        }
    }
}
