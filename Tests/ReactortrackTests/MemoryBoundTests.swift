import Foundation
import TestSupport
import Testing

/// A log under 10 MB never needs a gigabyte: here, about 45,000 chains left open (a program killed mid-run, or a
/// server with many requests in flight), which `summary` and `tree` used to hold at about 10 KiB apiece, on top of
/// every built chain kept until the end of the input.
@Suite(
    "Memory stays bounded",
    .disabled(
        if: TestProcess.underThreadSanitizer,
        "the thread sanitizer's shadow memory is counted too"))
struct MemoryBoundTests {
    /// The peak memory of the command, in MiB, measured by Python's `resource` (the only child it waits for).
    static func peakMiB(_ arguments: [String]) throws -> (status: Int32, mib: Double) {
        let script = """
            import resource, subprocess, sys
            done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            """
        let run = try TestProcess.run("/usr/bin/env", ["python3", "-c", script, CommandRunner.binary] + arguments)
        let fields = run.stdout.split(separator: " ")
        let status = Int32(fields.first.map(String.init) ?? "") ?? -1
        let kib = Double(fields.dropFirst().first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "") ?? .nan
        return (status, kib / 1024)
    }

    @Test("45,000 open chains in a 10 MB log: summary and tree stay under 256 MiB", arguments: [
        ["summary"], ["summary", "--json"], ["tree"],
    ])
    func openChains(command: [String]) throws {
        let path = CommandRunner.temporaryPath("open-chains.log")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var text = ""
        var i = 0
        while text.utf8.count < 10_000_000 {
            i += 1
            text += #"{"task_uuid":"open-\#(i)","task_level":[1],"timestamp":\#(1_700_000_000 + Double(i) / 1000),"#
                + #""action_type":"reactortrack:deferred","action_status":"started","deferred_id":\#(i),"#
                + #""label":"request \#(i)","tracked_by":"user"}"# + "\n"
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let (status, mib) = try Self.peakMiB(command + [path])
        #expect(status == 0)
        #expect(mib < 256, "\(command.joined(separator: " ")) peaked at \(Int(mib)) MiB on \(i) open chains")
    }
}
