public import Foundation

/// The executables of the build the tests run in (`reactortrack`, `seed-example`, ...), and the Python that has
/// Eliot's tools.
public enum TestProducts {
    /// A product of the same build as this test process: next to its executable (SwiftPM puts every product of a
    /// build in one folder), looking up a few folders, else under the package's `.build/debug`.
    /// `REACTORTRACK_BUILD_DIR` names the folder instead.
    public static func path(_ name: String) -> String {
        let manager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["REACTORTRACK_BUILD_DIR"] {
            return URL(fileURLWithPath: override).appendingPathComponent(name).path
        }
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for folder in candidates {
            var url = folder
            for _ in 0..<4 {
                let candidate = url.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if manager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                    manager.isExecutableFile(atPath: candidate.path)
                {
                    return candidate.path
                }
                url = url.deletingLastPathComponent()
            }
        }
        return TestFixtures.repositoryRoot.appendingPathComponent(".build/debug/\(name)").path
    }

    /// The `reactortrack` command: `REACTORTRACK_BIN` when set, else this build's.
    public static var command: String {
        ProcessInfo.processInfo.environment["REACTORTRACK_BIN"] ?? path("reactortrack")
    }

    /// The python named by `REACTORTRACK_PYTHON` (a venv with eliot and eliot-tree), if any.
    public static var python: URL? {
        ProcessInfo.processInfo.environment["REACTORTRACK_PYTHON"].map { URL(fileURLWithPath: $0) }
    }
}
