import Foundation

/// This process's arguments and environment.
struct ProcessInfoSnapshot {
    var arguments: [String]
    var environment: [String: String]

    static var current: ProcessInfoSnapshot {
        ProcessInfoSnapshot(
            arguments: ProcessInfo.processInfo.arguments, environment: ProcessInfo.processInfo.environment)
    }
}
