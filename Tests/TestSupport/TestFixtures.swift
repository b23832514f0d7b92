public import Foundation

/// The checked-in logs every test target reads, one copy each, in `Tests/Fixtures/` (found from this file, so no
/// target needs them as resources).
public enum TestFixtures {
    /// `Tests/Fixtures/`.
    public static let directory = repositoryRoot.appendingPathComponent("Tests/Fixtures")

    /// The repository's root folder.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The path of a fixture, `broken/blank-line.log` for one in a subfolder.
    public static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Every fixture's path, sorted (the logs and the files that describe them).
    public static var all: [String] {
        let walk = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        var paths: [String] = []
        while let url = walk?.nextObject() as? URL {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true { paths.append(url.path) }
        }
        return paths.sorted()
    }

    /// A path named `name` in a new folder of its own, inside this test process's temporary folder (see `scratch`).
    public static func temporaryPath(_ name: String, prefix: String = "reactortrack-tests") -> String {
        temporaryDirectory(prefix).appendingPathComponent(name).path
    }

    /// A new, empty folder of its own, inside this test process's temporary folder (see `scratch`).
    public static func temporaryDirectory(_ prefix: String = "reactortrack-tests") -> URL {
        let folder = scratch.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// One folder under the system's temporary directory for everything a test process writes, removed when the
    /// process exits (a run used to leave a few hundred folders behind in `/tmp`, and CI machines are reused).
    public static let scratch: URL = {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("reactortrack-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestFixtures.scratch) }
        return root
    }()
}
