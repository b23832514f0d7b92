import Foundation

/// Finds executables built next to the test bundle (`.build/<triple>/debug/`), for end-to-end tests.
enum BuiltProducts {
    static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["REACTORTRACK_BUILD_DIR"] {
            return URL(fileURLWithPath: override)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    static func url(of product: String) -> URL { directory.appendingPathComponent(product) }

    /// Runs a program to completion and returns its exit status and standard output.
    static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil) throws -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The python named by `REACTORTRACK_PYTHON` (a venv with eliot and eliot-tree), if any.
    static var python: URL? {
        ProcessInfo.processInfo.environment["REACTORTRACK_PYTHON"].map { URL(fileURLWithPath: $0) }
    }

    /// The repository root (for scripts/), found from this file's location.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Checks a log with real eliot.parse (our validator script) and real eliot-tree; returns failures as text.
    static func eliotProblems(in log: URL) throws -> [String] {
        guard let python else { return ["REACTORTRACK_PYTHON is not set"] }
        var problems: [String] = []
        let validator = repositoryRoot.appendingPathComponent("scripts/validate_eliot_log.py")
        let validated = try run(python, [validator.path, log.path])
        if validated.status != 0 { problems.append("eliot.parse: exit \(validated.status): \(validated.output)") }
        let eliotTree = python.deletingLastPathComponent().appendingPathComponent("eliot-tree")
        let tree = try run(eliotTree, ["--color=never", log.path])
        if tree.status != 0 { problems.append("eliot-tree: exit \(tree.status): \(tree.output.suffix(2000))") }
        return problems
    }
}
