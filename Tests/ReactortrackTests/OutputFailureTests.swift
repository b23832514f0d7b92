import Foundation
import TestSupport
import Testing

/// Outputs are written whole or not at all: a failed write is an error naming the path, and the previous file
/// survives; standard output that cannot be written is an error too.
@Suite("Failed writes")
struct OutputFailureTests {
    /// Runs the command with writes limited to `blocks` 1 KiB blocks (and the signal for going past it ignored,
    /// so that the write fails with EFBIG as a full disk fails it).
    static func runLimited(_ arguments: [String], blocks: Int) throws -> CommandRunner.Result {
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        return try runShell("trap '' XFSZ; ulimit -f \(blocks); exec '\(CommandRunner.binary)' \(quoted)")
    }

    /// Runs a bash script (for redirections and limits), with its standard error captured.
    static func runShell(_ script: String) throws -> CommandRunner.Result {
        CommandRunner.Result(try TestProcess.run("/bin/bash", ["-c", script]))
    }

    @Test(
        "a write that fails midway keeps the previous file and says which path failed",
        .disabled(if: TestProcess.underThreadSanitizer, "file-size limits crash the sanitizer's runtime"),
        arguments: ["svg", "png", "pdf"])
    func previousFileSurvives(format: String) throws {
        let folder = URL(fileURLWithPath: CommandRunner.temporaryPath("x")).deletingLastPathComponent()
        let output = folder.appendingPathComponent("chain.\(format)").path
        let previous = Data("previous \(format)\n".utf8)
        try previous.write(to: URL(fileURLWithPath: output))
        // The echo-service-sized fixture renders to well over 8 KiB in every format.
        let result = try Self.runLimited(["render", CommandRunner.input("waiting.out"), CommandRunner.input("mon.out"), "-o", output], blocks: 8)
        #expect(!result.signaled)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains(output), "\(result.stderr)")
        #expect(!result.stderr.contains("wrote "))
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == previous)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(left == ["chain.\(format)"], "no temporary file is left: \(left)")
    }

    @Test("tree and summary into a full device fail with a message", arguments: [["tree"], ["summary"], ["summary", "--json"]])
    func fullStandardOutput(command: [String]) throws {
        let quoted = (command + [CommandRunner.input("waiting.out")]).map { "'\($0)'" }.joined(separator: " ")
        let result = try Self.runShell("exec '\(CommandRunner.binary)' \(quoted) > /dev/full")
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot write standard output: No space left on device"), "\(result.stderr)")
    }

    @Test("render refuses standard input redirected from the output file")
    func standardInputIsTheOutput() throws {
        let path = CommandRunner.temporaryPath("log.svg")
        try FileManager.default.copyItem(atPath: CommandRunner.input("mon.out"), toPath: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let result = try Self.runShell("exec '\(CommandRunner.binary)' render - -o '\(path)' < '\(path)'")
        #expect(result.status == 1)
        #expect(result.stderr.contains("refusing to overwrite input"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}
