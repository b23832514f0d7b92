import Foundation
import NIOConcurrencyHelpers

/// Sends log messages somewhere visible when the process is a `swift test` run: the analogue of Eliot's
/// `redirectLogsForTrial`.
///
/// Called under `swift test` (the test bundle `*.xctest`, or `swiftpm-testing-helper`), the first call adds
/// a destination (by default a ``SwiftLogDestination`` labelled `eliot`, like Eliot's `TwistedDestination`)
/// to a destination set (``LogDestinations/global`` by default) and returns it; later calls add nothing
/// and return the same destination. In any other process it does nothing and returns `nil`.
///
/// Per-test isolation comes on top: a test that binds its own ``MemoryDestination`` with
/// ``withLogDestination(_:operation:)`` receives everything logged inside it, and only what is logged
/// outside any such scope reaches the redirected destination.
public final class TestRunRedirection: Sendable {
    /// The process's redirection, judged from its own arguments and environment.
    public static let shared = TestRunRedirection(
        arguments: ProcessInfo.processInfo.arguments, environment: ProcessInfo.processInfo.environment)

    private let isTestRun: Bool
    private let destinations: LogDestinations
    private let makeDestination: @Sendable () -> any LogDestination
    private let installed = NIOLockedValueBox<(any LogDestination)?>(nil)

    /// Creates a redirection for a process with the given arguments and environment (fake ones in tests,
    /// as Eliot's tests pass a fake `sys`).
    public init(
        arguments: [String], environment: [String: String], destinations: LogDestinations = .global,
        makeDestination: @escaping @Sendable () -> any LogDestination = { SwiftLogDestination() }
    ) {
        self.isTestRun = Self.isTestRun(arguments: arguments, environment: environment)
        self.destinations = destinations
        self.makeDestination = makeDestination
    }

    /// Whether a process with these arguments and environment is a `swift test` run.
    public static func isTestRun(arguments: [String], environment: [String: String]) -> Bool {
        let program = arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? ""
        if program.hasSuffix(".xctest") || program == "xctest" || program == "swiftpm-testing-helper" {
            return true
        }
        return environment["XCTestConfigurationFilePath"] != nil || environment["XCTestBundlePath"] != nil
    }

    /// Installs the destination once under `swift test`; returns it, or `nil` outside a test run.
    @discardableResult
    public func callAsFunction() -> (any LogDestination)? {
        guard isTestRun else { return nil }
        return installed.withLockedValue { installed in
            if let installed { return installed }
            let destination = makeDestination()
            destinations.add(destination)
            installed = destination
            return destination
        }
    }
}

/// Redirects logs for a `swift test` run (see ``TestRunRedirection``); `nil` and no effect otherwise.
@discardableResult
public func redirectLogsForTestRun() -> (any LogDestination)? {
    TestRunRedirection.shared()
}
