import Defer
import NIOConcurrencyHelpers

/// Routes the unhandled-error reports raised by *this task* to a collector while a body runs.
///
/// `UnhandledError.sink` is global. The swap happens inside `UnhandledReports.collect`, so it holds the same lock
/// as every other test in this target that swaps the sink (they never see our reports, nor we theirs). While
/// the body runs, a report raised on this task (a deinit triggered synchronously by the body) goes to this
/// body's collector; any other report goes to the standard stderr sink, exactly as if no swap had happened.
enum UnhandledErrorCapture {
    /// The collector of the body running on this task, if any.
    @TaskLocal static var current: ReportCollector?

    /// Runs `body`, returning its result and the reports it caused that the body did not drain itself.
    static func run<R>(_ body: () throws -> R) rethrows -> (result: R, reports: [UnhandledError]) {
        let collector = ReportCollector()
        var result: R?
        try UnhandledReports().collect {
            let enclosing = UnhandledError.sink
            UnhandledError.resetSink()
            let standard = UnhandledError.sink
            UnhandledError.sink = { report in
                if let collector = UnhandledErrorCapture.current {
                    collector.append(report)
                } else {
                    standard(report)
                }
            }
            defer { UnhandledError.sink = enclosing }
            result = try $current.withValue(collector) { try body() }
        }
        return (result!, collector.drain())
    }
}

/// The reports collected for one body.
final class ReportCollector: Sendable {
    private let reports = NIOLockedValueBox<[UnhandledError]>([])

    func append(_ report: UnhandledError) {
        reports.withLockedValue { $0.append(report) }
    }

    /// Returns the reports collected so far and forgets them.
    func drain() -> [UnhandledError] {
        reports.withLockedValue { reports in
            defer { reports = [] }
            return reports
        }
    }
}
