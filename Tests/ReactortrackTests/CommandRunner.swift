import Foundation
import TestSupport

/// Runs the built `reactortrack` binary and captures what it prints (through the shared ``TestProcess``).
///
/// The binary is `REACTORTRACK_BIN` when set, else the `reactortrack` of this test's build.
enum CommandRunner {
    /// How a run ended and what it printed (``TestProcess/Result``, kept here so that every test file of this
    /// target reads it without importing TestSupport).
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Whether the command ended by a signal (a crash, or killed when over the time limit).
        var signaled = false

        init(status: Int32, stdout: String, stderr: String, signaled: Bool = false) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
            self.signaled = signaled
        }

        init(_ result: TestProcess.Result) {
            self.init(status: result.status, stdout: result.stdout, stderr: result.stderr, signaled: result.signaled)
        }
    }

    static func input(_ name: String) -> String { TestFixtures.path(name) }

    static var binary: String { TestProducts.command }

    /// A product of the same build as this test process (`reactortrack`, `seed-example`, ...).
    static func product(_ name: String) -> String { TestProducts.path(name) }

    /// Runs the command; one still running after `timeLimit` seconds is killed (and reported as signaled), so
    /// that a hang fails its test instead of the suite. `NO_COLOR` is taken out of its environment.
    static func run(
        _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:], timeLimit: Double = 120
    ) throws -> Result {
        Result(
            try TestProcess.run(
                binary, arguments, stdin: stdin, environment: environment, removing: ["NO_COLOR"],
                timeLimit: timeLimit))
    }

    static func temporaryPath(_ name: String) -> String { TestFixtures.temporaryPath(name) }
}
