import Foundation
import TestSupport

/// The monitor tests' view of the shared helpers: executables built next to the test bundle, and Eliot's tools.
enum BuiltProducts {
    static func url(of product: String) -> URL { URL(fileURLWithPath: TestProducts.path(product)) }

    /// Runs a program to completion and returns its exit status and what it printed (standard output, then error).
    static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil) throws -> (
        status: Int32, output: String
    ) {
        let result = try TestProcess.run(executable.path, arguments, directory: directory)
        return (result.status, result.output)
    }

    /// The python named by `REACTORTRACK_PYTHON` (a venv with eliot and eliot-tree), if any.
    static var python: URL? { TestProducts.python }

    /// The repository root (for scripts/).
    static var repositoryRoot: URL { TestFixtures.repositoryRoot }

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
