import Foundation

/// Runs the built `reactortrack` binary and captures what it prints.
///
/// The binary is `REACTORTRACK_BIN` when set, else the `reactortrack` next to this test process (SwiftPM puts
/// every product of a build in one folder), else the one under the package's `.build/debug`.
enum CommandRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Whether the command ended by a signal (a crash, or killed when over the time limit).
        var signaled = false
    }

    static let inputs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("VisualizeTests/Inputs")

    static func input(_ name: String) -> String { inputs.appendingPathComponent(name).path }

    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["REACTORTRACK_BIN"] { return path }
        return product("reactortrack")
    }

    /// A product of the same build as this test process (`reactortrack`, `seed-example`, ...).
    static func product(_ name: String) -> String {
        let manager = FileManager.default
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
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return package.appendingPathComponent(".build/debug/\(name)").path
    }

    /// Runs the command; one still running after `timeLimit` seconds is killed (and reported as signaled), so
    /// that a hang fails its test instead of the suite.
    static func run(
        _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:], timeLimit: Double = 120
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        // Output goes to files, so that neither stream can fill a pipe and block the child.
        let outPath = temporaryPath("stdout")
        let errPath = temporaryPath("stderr")
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
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: outPath)), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self),
            signaled: process.terminationReason == .uncaughtSignal)
    }

    static func temporaryPath(_ name: String) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reactortrack-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }
}
