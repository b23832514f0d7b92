import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A write that cannot finish: a full filesystem (a small tmpfs) for every output kind, Cairo's included, and a
/// signal in the middle of the write. Either the whole output is there and the command says so, or it fails
/// naming the path and the previous file is left as it was; no temporary file is ever left behind.
@Suite("Interrupted writes")
struct OutputInterruptionTests {
    typealias Kind = OutputTargetTests.Kind

    /// Whether this process may mount a tmpfs (root in a container that allows it).
    static let canMount: Bool = {
        let dir = OutputTargetTests.folder()
        guard (try? run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir])) == 0 else { return false }
        _ = try? run("/bin/umount", [dir])
        return true
    }()

    static func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Bytes free on the filesystem of `path`.
    static func available(_ path: String) -> Int {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return 0 }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }

    @Test(
        "a full filesystem fails the write naming the path, keeps the previous file, leaves nothing",
        .enabled(if: Self.canMount, "skipped: mount -t tmpfs was refused (needs root)"), arguments: Kind.all)
    func fullFilesystem(kind: Kind) throws {
        let reference = try OutputTargetTests.reference(kind)
        let page = 4096
        let size = (reference.count / page + 6) * page
        let dir = OutputTargetTests.folder()
        #expect(try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", dir]) == 0)
        defer { _ = try? Self.run("/bin/umount", [dir]) }
        let output = "\(dir)/out.\(kind.ext)"
        let previous = Data("previous\n".utf8)
        var failures = 0
        // From no room at all to just too little, and enough: every point where a write can be cut.
        let step = max(page, (reference.count / 8) / page * page)
        for free in stride(from: 0, through: reference.count + page, by: step) {
            for name in try OutputTargetTests.entries(dir) { unlink("\(dir)/\(name)") }
            try previous.write(to: URL(fileURLWithPath: output))
            let filler = Self.available(dir) - free
            if filler > 0 { try Data(count: filler).write(to: URL(fileURLWithPath: "\(dir)/filler")) }
            let result = try CommandRunner.run(kind.arguments(output))
            #expect(!result.signaled)
            let written = try Data(contentsOf: URL(fileURLWithPath: output))
            if result.status == 0 {
                #expect(written == reference, "\(free) bytes free: said \(result.stderr), wrote \(written.count) bytes")
            } else {
                failures += 1
                #expect(result.status == 1, "\(result.stderr)")
                #expect(result.stderr.contains("error: \(output): "), "\(free) bytes free: \(result.stderr)")
                #expect(!result.stderr.contains("wrote "))
                #expect(written == previous, "\(free) bytes free: the previous file is kept")
            }
            let left = try OutputTargetTests.entries(dir).filter { $0 != "filler" }
            #expect(left == ["out.\(kind.ext)"], "\(free) bytes free: no temporary file is left: \(left)")
        }
        #expect(failures > 0, "the filesystem was never full enough to fail the write")
    }

    /// A log whose PDF takes a while to draw (thousands of pages), to be interrupted.
    static func bigLog() throws -> String {
        var text = ""
        for i in 0..<6000 {
            let t = 1000 + Double(i) * 0.01
            text += #"{"task_uuid":"t\#(i)","task_level":[1],"action_type":"work:\#(i % 50)","action_status":"started","timestamp":\#(t)}"#
            text += "\n"
            text += #"{"task_uuid":"t\#(i)","task_level":[2],"action_type":"work:\#(i % 50)","action_status":"succeeded","timestamp":\#(t + 0.002)}"#
            text += "\n"
        }
        let path = CommandRunner.temporaryPath("big.log")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    @Test(
        "SIGINT, SIGTERM or SIGHUP during the write removes the temporary file and keeps the previous one",
        arguments: [SIGINT, SIGTERM, SIGHUP])
    func killedDuringWrite(signal number: Int32) throws {
        let log = try Self.bigLog()
        let dir = OutputTargetTests.folder()
        let output = "\(dir)/out.pdf"
        let previous = Data("previous\n".utf8)
        try previous.write(to: URL(fileURLWithPath: output))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRunner.binary)
        process.arguments = ["render", log, "-o", output]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The temporary file exists from the start of the write to its end: signal the command while it is there.
        var seen = false
        let deadline = Date().addingTimeInterval(60)
        while !seen, process.isRunning, Date() < deadline {
            seen = try OutputTargetTests.entries(dir).contains { $0.hasPrefix(".out.pdf.") }
            if !seen { usleep(2000) }
        }
        #expect(seen, "the write began")
        // How the command holds its signals, for a failure's message (a blocked or ignored signal cannot act).
        let held = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8))?
            .split(separator: "\n").filter { $0.hasPrefix("Sig") }.joined(separator: ", ") ?? ""
        kill(process.processIdentifier, number)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "\(held)")
        #expect(process.terminationStatus == number)
        #expect(try OutputTargetTests.entries(dir) == ["out.pdf"], "no temporary file is left")
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == previous)
    }

    @Test("a signal while a drawn output waits for a FIFO's reader removes its temporary file")
    func killedWaitingForReader() throws {
        let dir = OutputTargetTests.folder()
        let fifo = "\(dir)/pipe.pdf"
        #expect(mkfifo(fifo, 0o644) == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRunner.binary)
        process.arguments = ["render", Kind.mon, "-o", fifo]
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": dir]) { $1 }
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Drawn into a temporary file, then blocked opening the FIFO, which has no reader.
        var seen = false
        let deadline = Date().addingTimeInterval(30)
        while !seen, process.isRunning, Date() < deadline {
            seen = try OutputTargetTests.entries(dir).contains { $0.hasPrefix(".reactortrack.") }
            if !seen { usleep(2000) }
        }
        #expect(seen)
        usleep(300_000)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(try OutputTargetTests.entries(dir) == ["pipe.pdf"])
    }
}
