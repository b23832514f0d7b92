import Foundation

/// Paths of the checked-in inputs and snapshots, found next to this file (so the tests need no resources).
enum TestInputs {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    static func path(_ name: String) -> String { directory.appendingPathComponent("Inputs/\(name)").path }

    static func snapshot(_ name: String) -> URL { directory.appendingPathComponent("__Snapshots__/\(name).layout.txt") }

    static func temporaryFile(_ name: String) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("visualize-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }
}
