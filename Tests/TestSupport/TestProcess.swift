public import Foundation

/// Runs a program to completion for a test: its output is captured through files (neither stream can fill a
/// pipe and block it), and one still running after `timeLimit` seconds is killed and reported as signaled, so a
/// hang fails its test instead of the suite.
public enum TestProcess {
    /// Whether this suite runs under the thread sanitizer (`make test-tsan` sets `REACTORTRACK_TSAN`). A few tests
    /// stay in the plain build: the sanitizer's runtime does not survive file-size limits, counts its shadow
    /// memory as ours, and can deadlock in a child forked from a process with threads.
    public static let underThreadSanitizer = ProcessInfo.processInfo.environment["REACTORTRACK_TSAN"] != nil

    /// How a run ended and what it printed.
    public struct Result: Sendable {
        /// The exit status (or the signal's number when `signaled`).
        public var status: Int32
        /// Standard output.
        public var stdout: String
        /// Standard error.
        public var stderr: String
        /// Whether it ended by a signal (a crash, or killed when over the time limit).
        public var signaled: Bool

        /// Standard output, then standard error.
        public var output: String { stdout + stderr }
    }

    /// Runs `executable` with `arguments`.
    ///
    /// - Parameters:
    ///   - stdin: Written to its standard input, which is then closed.
    ///   - environment: Set on top of this process's environment.
    ///   - removing: Taken out of the environment (`NO_COLOR`, say).
    ///   - directory: Its working directory.
    ///   - timeLimit: Seconds before it is killed.
    public static func run(
        _ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
        removing: [String] = [], directory: URL? = nil, timeLimit: Double = 120
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in removing { env.removeValue(forKey: key) }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let outPath = TestFixtures.temporaryPath("stdout")
        let errPath = TestFixtures.temporaryPath("stderr")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit, execute: watchdog)
        defer { watchdog.cancel() }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        try out.close()
        try err.close()
        defer {
            try? FileManager.default.removeItem(at: URL(fileURLWithPath: outPath).deletingLastPathComponent())
            try? FileManager.default.removeItem(at: URL(fileURLWithPath: errPath).deletingLastPathComponent())
        }
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: outPath)), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self),
            signaled: process.terminationReason == .uncaughtSignal)
    }
}
