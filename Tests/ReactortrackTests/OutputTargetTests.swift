import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `-o` behaves as a careful Unix tool's: a device or FIFO is written in place, a symlink is followed, a
/// replaced file keeps its mode, a full disk is a failure that leaves the previous file, and a signal during the
/// write leaves no temporary file. Every device and link is made in a temporary folder (never a system path).
@Suite("Output targets")
struct OutputTargetTests {
    /// One output kind: the arguments that write it to a path ending in `ext`.
    struct Kind: Sendable, CustomStringConvertible {
        var ext: String
        var arguments: @Sendable (String) -> [String]
        var description: String { ext }

        static let mon = CommandRunner.input("mon.out")
        static let waiting = CommandRunner.input("waiting.out")

        static func render(_ ext: String) -> Kind { Kind(ext: ext) { ["render", mon, "-o", $0] } }

        static let all: [Kind] = ["svg", "png", "pdf", "html"].map(render) + [
            Kind(ext: "json") { ["export", mon, waiting, "-o", $0] },
            Kind(ext: "jsonl") { ["export", mon, waiting, "--format", "otlp-json", "-o", $0] },
        ]
    }

    /// A new empty folder.
    static func folder() -> String {
        URL(fileURLWithPath: CommandRunner.temporaryPath("x")).deletingLastPathComponent().path
    }

    /// What the kind writes to a plain new file.
    static func reference(_ kind: Kind) throws -> Data {
        let path = folder() + "/reference.\(kind.ext)"
        let result = try CommandRunner.run(kind.arguments(path))
        #expect(result.status == 0, "\(result.stderr)")
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    static func mode(_ path: String, following: Bool = true) -> mode_t {
        var info = stat()
        _ = following ? stat(path, &info) : lstat(path, &info)
        return info.st_mode
    }

    static func entries(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    @Test("a character device is written to, never replaced by a file", arguments: Kind.all)
    func device(kind: Kind) throws {
        let dir = Self.folder()
        let device = "\(dir)/null.\(kind.ext)"
        // Major 1, minor 3: what /dev/null is.
        #expect(mknod(device, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0)
        let result = try CommandRunner.run(kind.arguments(device))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.mode(device, following: false) & S_IFMT == S_IFCHR, "the device was replaced")
        #expect(try Self.entries(dir) == ["null.\(kind.ext)"], "nothing is left beside it")
    }

    @Test("a FIFO is written to in place: its reader gets the whole output", arguments: Kind.all)
    func fifo(kind: Kind) throws {
        let dir = Self.folder()
        let fifo = "\(dir)/pipe.\(kind.ext)"
        let copy = "\(dir)/copy"
        #expect(mkfifo(fifo, 0o644) == 0)
        let command = (kind.arguments(fifo)).map { "'\($0)'" }.joined(separator: " ")
        let result = try OutputFailureTests.runShell(
            "timeout 20 cat '\(fifo)' > '\(copy)' & TMPDIR='\(dir)' '\(CommandRunner.binary)' \(command); s=$?; wait; exit $s")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.mode(fifo, following: false) & S_IFMT == S_IFIFO)
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Self.reference(kind))
        #expect(try Self.entries(dir) == ["copy", "pipe.\(kind.ext)"], "the temporary file is removed")
    }

    @Test("a symlink is followed: its target is replaced, the link stays", arguments: Kind.all)
    func symlinks(kind: Kind) throws {
        let dir = Self.folder()
        try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: true)
        try Data("previous\n".utf8).write(to: URL(fileURLWithPath: "\(dir)/real/out.\(kind.ext)"))
        #expect(symlink("real/out.\(kind.ext)", "\(dir)/link.\(kind.ext)") == 0)
        #expect(symlink("real/new.\(kind.ext)", "\(dir)/dangling.\(kind.ext)") == 0)
        for (link, target) in [("link", "out"), ("dangling", "new")] {
            let result = try CommandRunner.run(kind.arguments("\(dir)/\(link).\(kind.ext)"))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(Self.mode("\(dir)/\(link).\(kind.ext)", following: false) & S_IFMT == S_IFLNK, "\(link)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/real/\(target).\(kind.ext)")) == Self.reference(kind))
        }
        #expect(try Self.entries(dir + "/real") == ["new.\(kind.ext)", "out.\(kind.ext)"])
    }

    @Test("a replaced file keeps its mode (a private 0600 file stays private); a new one gets the umask's", arguments: Kind.all)
    func modes(kind: Kind) throws {
        let dir = Self.folder()
        let existing = "\(dir)/private.\(kind.ext)"
        try Data("previous\n".utf8).write(to: URL(fileURLWithPath: existing))
        #expect(chmod(existing, 0o600) == 0)
        let result = try CommandRunner.run(kind.arguments(existing))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.mode(existing) & 0o7777 == 0o600)
        #expect(try Data(contentsOf: URL(fileURLWithPath: existing)) == Self.reference(kind))
        let fresh = "\(dir)/new.\(kind.ext)"
        let command = kind.arguments(fresh).map { "'\($0)'" }.joined(separator: " ")
        let masked = try OutputFailureTests.runShell("umask 027; exec '\(CommandRunner.binary)' \(command)")
        #expect(masked.status == 0, "\(masked.stderr)")
        #expect(Self.mode(fresh) & 0o7777 == 0o640)
    }

    @Test("the path in 'wrote PATH' is escaped: a file name cannot drive the terminal")
    func escapedPath() throws {
        let path = Self.folder() + "/a\u{1B}]0;owned\u{07}b.svg"
        let result = try CommandRunner.run(Kind.render("svg").arguments(path))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("wrote "), "\(result.stderr)")
        #expect(!result.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("too many warnings are cut at 100 of a kind, and the rest counted")
    func cappedWarnings() throws {
        let path = CommandRunner.temporaryPath("damaged.log")
        var text = try String(contentsOfFile: Kind.mon, encoding: .utf8)
        let damaged = 250
        for _ in 0..<damaged { text += "not json\n" }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let result = try CommandRunner.run(["summary", path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        let shown = lines.filter { $0.hasPrefix("\(path):") }
        #expect(shown.count == 100, "\(shown.count) warnings shown")
        let code = shown.first.flatMap { $0.split(separator: ":").dropFirst(2).first }.map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.last == "… \(damaged - 100) more '\(code ?? "?")' warnings not shown (\(damaged) in all)", "\(lines.last ?? "")")
    }
}
