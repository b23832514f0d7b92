import Foundation
import TestSupport

/// The checked-in logs (the shared `Tests/Fixtures/`) and this target's layout snapshots.
enum TestInputs {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// The folder the logs are in, as a path ending in `/`.
    static let fixturesDirectory = TestFixtures.directory.path + "/"

    static func path(_ name: String) -> String { TestFixtures.path(name) }

    static func snapshot(_ name: String) -> URL { directory.appendingPathComponent("__Snapshots__/\(name).layout.txt") }

    static func temporaryFile(_ name: String) -> String { TestFixtures.temporaryPath(name, prefix: "visualize-tests") }
}
