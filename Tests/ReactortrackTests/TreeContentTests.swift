import Foundation
import Testing

/// What `tree` shows of plain Eliot tasks: every field, safely, and never cut without saying so.
@Suite("tree: fields, escapes and cuts")
struct TreeContentTests {
    static func write(_ lines: [String]) throws -> String {
        let path = CommandRunner.temporaryPath("log.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("control characters in values are escaped, also with --color never")
    func escapes() throws {
        let hostile = #"\u001b[2J\u001b]0;owned\u0007\r\u009b31m\u202edesrever\nnext"#
        let path = try Self.write([
            #"{"task_uuid":"t1","task_level":[1],"timestamp":1700000000.0,"message_type":"x\u001b[31m","v":"\#(hostile)"}"#
        ])
        let result = try CommandRunner.run(["tree", "--color", "never", path])
        #expect(result.status == 0, "\(result.stderr)")
        let bad: [Unicode.Scalar] = ["\u{1B}", "\u{07}", "\r", "\u{9B}", "\u{202E}"]
        #expect(!result.stdout.unicodeScalars.contains { bad.contains($0) }, "\(result.stdout.debugDescription)")
        #expect(result.stdout.contains(#"v: \u{1B}[2J\u{1B}]0;owned\u{7}\r\u{9B}31m\u{202E}desrever\nnext"#))
        #expect(result.stdout.contains(#"x\u{1B}[31m/1"#))
        // One line per field: the newline in the value did not start a line of its own.
        #expect(!result.stdout.split(separator: "\n").contains { $0.hasPrefix("next") })
    }

    @Test("every field, start and end fields of actions, reason without exception, timestamps")
    func allFields() throws {
        let path = try Self.write([
            #"{"task_uuid":"t2","task_level":[1],"timestamp":1700000000.5,"action_type":"job","action_status":"started","url":"http://x/1","attempt":2}"#,
            #"{"task_uuid":"t2","task_level":[2],"timestamp":1700000000.6,"message_type":"note","a":1,"b":2,"c":3,"d":4,"e":5,"reason":"why not"}"#,
            #"{"task_uuid":"t2","task_level":[3],"timestamp":1700000001.25,"action_type":"job","action_status":"succeeded","bytes":512}"#,
        ])
        let result = try CommandRunner.run(["tree", "--color", "never", path])
        let out = result.stdout
        for field in ["url: http://x/1", "attempt: 2", "a: 1", "e: 5", "reason: why not", "bytes: 512"] {
            #expect(out.contains(field), "\(field) in:\n\(out)")
        }
        #expect(out.contains("job/1 ⇒ started 2023-11-14 22:13:20.500Z ⧖ 750 ms"), "\(out)")
        #expect(out.contains("job/3 ⇒ succeeded 2023-11-14 22:13:21.250Z"), "\(out)")
        #expect(out.contains("note/2 2023-11-14 22:13:20.600Z"), "\(out)")
        let plain = try CommandRunner.run(["tree", "--color", "never", "--no-timestamps", path])
        #expect(!plain.stdout.contains("2023-11-14"))
        #expect(plain.stdout.contains("job/1 ⇒ started ⧖ 750 ms"), "\(plain.stdout)")
    }

    @Test("a long value is cut with a visible … and the count cut; -l 0 keeps it whole")
    func cuts() throws {
        let long = String(repeating: "abcdefghij", count: 50)
        let path = try Self.write([
            #"{"task_uuid":"t3","task_level":[1],"timestamp":1700000000.0,"message_type":"big","v":"\#(long)"}"#
        ])
        let cut = try CommandRunner.run(["tree", "--color", "never", path])
        #expect(cut.stdout.contains("v: " + long.prefix(200) + "…(+300 chars)"), "\(cut.stdout)")
        let whole = try CommandRunner.run(["tree", "--color", "never", "-l", "0", path])
        #expect(whole.stdout.contains("v: " + long + "\n"))
    }
}

/// An input is opened once, and its format told from the same stream: a pipe named as a file reads whole.
@Suite("inputs read once")
struct PipeInputTests {
    @Test("a FIFO fed once is read whole by summary, as the same file is")
    func fifo() throws {
        let fifo = CommandRunner.temporaryPath("log.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let source = CommandRunner.input("waiting.out")
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "cat \"$0\" > \"$1\"", source, fifo]
        try writer.run()
        let piped = try CommandRunner.run(["summary", "--json", fifo])
        writer.waitUntilExit()
        let direct = try CommandRunner.run(["summary", "--json", source])
        #expect(piped.status == 0, "\(piped.stderr)")
        let a = try #require(try JSONSerialization.jsonObject(with: Data(piped.stdout.utf8)) as? [String: Any])
        let b = try #require(try JSONSerialization.jsonObject(with: Data(direct.stdout.utf8)) as? [String: Any])
        #expect(a["messages"] as? Int == b["messages"] as? Int)
        #expect(a["chains"] as? Int == b["chains"] as? Int)
        #expect((a["tasks"] as? [Any])?.count == (b["tasks"] as? [Any])?.count)
    }
}
