import Foundation
import FoundationXML
import TestSupport
import Testing

/// A log full of hostile strings (escape sequences, OSC, BEL, CR, C1 and bidi controls, NUL, invalid UTF-8, XML
/// metacharacters, a 1 MB value) through every command: nothing from the log drives the terminal, the SVG is
/// XML with no script, the JSON parses.
@Suite("Hostile strings through every command")
struct HostileStringTests {
    static let hostile = #"\u001b[2J\u001b]0;owned\u0007\u001b]8;;http://x\u001b\\link\r\u009b31m\u202e\u2066\u0000<script>alert(1)</script>&amp;\"'"#

    static func log() throws -> String {
        let big = String(repeating: "x", count: 1 << 20)
        var lines = [
            #"{"task_uuid":"\#(hostile)","task_level":[1],"timestamp":1,"action_type":"a\#(hostile)","action_status":"started","f\#(hostile)":"\#(hostile)"}"#,
            #"{"task_uuid":"\#(hostile)","task_level":[2],"timestamp":2,"message_type":"m\#(hostile)","big":"\#(big)"}"#,
            #"{"task_uuid":"\#(hostile)","task_level":[3],"timestamp":3,"action_type":"a\#(hostile)","action_status":"failed","exception":"E\#(hostile)","reason":"\#(hostile)"}"#,
            #"{"task_uuid":"lone","task_level":[1],"timestamp":4,"message_type":"eliot:traceback","exception":"\#(hostile)","reason":"\#(hostile)"}"#,
            // A damaged line: its warning quotes it.
            #"{"task_uuid":"\#(hostile)\u001b[31m"#,
        ].map { Data($0.utf8) }
        // Invalid UTF-8 inside a value.
        lines.append(Data(#"{"task_uuid":"u","task_level":[1],"timestamp":5,"message_type":"bad","v":""#.utf8) + Data([0xFF, 0xC3, 0x1B]) + Data(#""}"#.utf8))
        let path = CommandRunner.temporaryPath("hostile.jsonl")
        try lines.reduce(Data()) { $0 + $1 + Data([0x0A]) }.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Control characters that must never reach a terminal from the log (newline and tab are layout).
    static func controls(in text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { s in
            switch s.value {
            case 0x0A, 0x09: false
            case 0x00..<0x20, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
            default: false
            }
        }
    }

    @Test("tree, summary and summary --json show every string escaped; stderr too")
    func terminalOutputs() throws {
        let path = try Self.log()
        for arguments in [["tree", "--color", "never", path], ["tree", "-l", "0", "--color", "never", path], ["summary", path], ["summary", "--json", path], ["tree", "--strict", path]] {
            let result = try CommandRunner.run(arguments)
            #expect(!result.signaled)
            #expect(Self.controls(in: result.stdout).isEmpty, "\(arguments): stdout \(Self.controls(in: result.stdout))")
            #expect(Self.controls(in: result.stderr).isEmpty, "\(arguments): stderr \(Self.controls(in: result.stderr))")
            if arguments.contains("--json") {
                #expect(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) is [String: Any])
            }
        }
        let tree = try CommandRunner.run(["tree", "--color", "never", path])
        #expect(tree.stdout.contains(#"\u{1B}[2J"#) && tree.stdout.contains(#"\u{202E}"#))
        #expect(tree.stdout.contains("…(+"), "the 1 MB value is cut with a visible marker")
    }

    @Test("render writes SVG that parses as XML and holds no script element")
    func svg() throws {
        let path = try Self.log()
        let output = CommandRunner.temporaryPath("hostile.svg")
        let result = try CommandRunner.run(["render", path, "-o", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.controls(in: result.stderr).isEmpty)
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        let parser = XMLParser(data: data)
        final class Elements: NSObject, XMLParserDelegate {
            var names: Set<String> = []
            func parser(
                _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]
            ) { names.insert(name.lowercased()) }
        }
        let elements = Elements()
        parser.delegate = elements
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(elements.names.contains("svg") && !elements.names.contains("script"))
    }
}
