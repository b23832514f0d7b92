import EventLog
import Foundation
import Testing
import TestSupport

@Suite("Tolerant streaming reader")
struct EventLogReaderTests {
    @Test("reads the real Twisted + Eliot log without a warning")
    func realLog() throws {
        let read = try EventLogReader(path: Fixtures.path("twisted-eliot.log"), name: "twisted-eliot.log").readAll()
        #expect(read.warnings.isEmpty, "\(read.warnings)")
        #expect(read.messages.count == 63)
        #expect(Set(read.messages.map(\.message.taskUUID)).count == 11)
        let probe = try #require(read.messages.first { $0.message.messageType == "rt:encoding_probe" }).message
        #expect(probe.fields["unicode_value"] == "café ☃ 😀")
        #expect(probe.fields["nan_value"] == .null)
        #expect(probe.fields["big_int"] == .int(4_611_686_018_427_387_904))
        let failed = try #require(read.messages.first { $0.message.actionType == "rt:connect" && $0.line == 33 })
        #expect(failed.message.actionStatus == .failed)
        #expect(failed.message.exception != nil && failed.message.reason != nil)
        #expect(failed.message.fields["errno"] != nil)
    }

    /// The damaged lines of each variant, worked out from `make_broken_variants.py` (the log has 63 lines,
    /// `mid` is index 31 so insertions land on line 32; `rt:recovered` is line 42 and the failed `rt:connect`
    /// end message line 33) and checked against the validator's verdicts.
    static let damaged: [String: [Int: EventLogError.Code]] = [
        "shuffled": [:],
        "truncated-mid-line": [32: .malformedLine],
        "truncated-at-line-boundary": [:],
        "not-json-line": [32: .malformedLine],
        "blank-line": [32: .malformedLine],
        "missing-timestamp": [42: .missingTimestamp],
        "missing-start-message": [:],
        "duplicate-line": [33: .duplicateLevel],
        "wrong-end-action-type": [33: .wrongActionType],
        "dropped-message-gap": [:],
        "late-message-after-end": [64: .messageAfterEnd],
    ]

    /// Problems of a task as a whole (no line to point at).
    static let taskProblems: [String: [EventLogError.Code]] = [
        "missing-start-message": [.missingStart],
        "dropped-message-gap": [.gap],
    ]

    @Test("reads every damaged variant and reports exactly the damaged lines", arguments: damaged.keys.sorted())
    func brokenVariant(_ name: String) throws {
        let file = "\(name).log"
        let reader = try EventLogReader(path: Fixtures.path("broken/\(file)"), name: file)
        let (tasks, warnings) = TaskGrouper.group(reader)
        var lined: [Int: EventLogError.Code] = [:]
        for warning in warnings {
            guard let line = warning.line else { continue }
            #expect(lined[line] == nil, "two warnings for line \(line)")
            lined[line] = warning.code
            #expect(warning.file == file)
            #expect(warning.description.hasPrefix("\(file):\(line): \(warning.code): "))
        }
        #expect(lined == Self.damaged[name]!, "\(warnings)")
        #expect(warnings.filter { $0.line == nil }.map(\.code) == Self.taskProblems[name, default: []], "\(warnings)")
        #expect(!tasks.isEmpty)
    }

    @Test("a cut-off file keeps the complete tasks and marks the rest open")
    func truncatedAtBoundary() throws {
        let reader = try EventLogReader(path: Fixtures.path("broken/truncated-at-line-boundary.log"))
        let (tasks, _) = TaskGrouper.group(reader)
        let open = tasks.filter { !$0.isComplete }
        #expect(!open.isEmpty)
        for task in open {
            #expect(task.allActions.contains { $0.isOpen })
        }
    }

    @Test("a warning's description reads like a diagnostic")
    func description() {
        let error = EventLogError(code: .malformedLine, line: 12, message: "unknown event kind 'fired2'")
        #expect(error.description == "mon.out:12: malformed line: unknown event kind 'fired2'")
    }

    @Test("classifies junk lines", arguments: [
        ("", "blank line"), ("   \r", "blank line"), ("[1,2]", "not a JSON object (got an array)"),
        ("42", "not a JSON object (got a number)"), ("Traceback (most recent call last):", "not JSON"),
        (#"{"task_uuid":"u","task_level":[1],"timestamp":1,"message_type":"m""#, "invalid JSON"),
    ])
    func junk(_ line: String, _ expected: String) {
        let read = EventLogReader(bytes: Array((line + "\n").utf8), name: "j").readAll()
        #expect(read.messages.isEmpty)
        #expect(read.warnings.count == 1)
        #expect(read.warnings.first?.code == .malformedLine)
        #expect(read.warnings.first?.message.hasPrefix(expected) == true, "\(read.warnings)")
    }

    @Test("skips objects that are not Eliot messages", arguments: [
        #"{"task_level":[1],"timestamp":1}"#, #"{"task_uuid":7,"task_level":[1],"timestamp":1}"#,
        #"{"task_uuid":"u","task_level":[],"timestamp":1}"#, #"{"task_uuid":"u","task_level":"/1","timestamp":1}"#,
        #"{"task_uuid":"u","task_level":[0],"timestamp":1}"#,
        #"{"task_uuid":"u","task_level":[1],"timestamp":1,"action_type":"a","action_status":"done"}"#,
        #"{"task_uuid":"u","task_level":[1],"timestamp":1,"action_type":"a"}"#,
    ])
    func invalidMessages(_ line: String) {
        let read = EventLogReader(bytes: Array((line + "\n").utf8)).readAll()
        #expect(read.messages.isEmpty)
        #expect(read.warnings.map(\.code) == [.invalidMessage])
    }

    @Test("accepts unknown fields, integer timestamps, float levels, CRLF and a last line without newline")
    func lenient() {
        let text =
            #"{"task_uuid":"job-42","task_level":[1.0],"timestamp":17,"message_type":"m","_id":{"x":1}}"# + "\r\n"
            + #"{"task_uuid":"job-43","task_level":[1],"timestamp":1.5,"message_type":"m"}"#
        let read = EventLogReader(bytes: Array(text.utf8)).readAll()
        #expect(read.warnings.isEmpty)
        #expect(read.messages.map(\.message.taskLevel) == [[1], [1]])
        #expect(read.messages.first?.message.timestamp == 17)
        #expect(read.messages.first?.message.fields["_id"] == ["x": 1])
    }

    @Test("lines that straddle chunk boundaries and huge lines are read correctly")
    func largeInput() throws {
        let encoder = EventLogEncoder()
        var bytes: [UInt8] = []
        let big = String(repeating: "x", count: 3 << 20)  // larger than one chunk
        for i in 0..<2000 {
            let payload: JSONValue = i == 1000 ? .string(big) : .string(String(repeating: "y", count: i % 700))
            let message = EventMessage(
                taskUUID: "t\(i)", taskLevel: [1], timestamp: Double(i), messageType: "m", fields: ["p": payload])
            encoder.append(message, to: &bytes)
        }
        let url = TestFixtures.scratch.appendingPathComponent("reader-\(UUID()).log")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let read = try EventLogReader(path: url.path).readAll()
        #expect(read.warnings.isEmpty)
        #expect(read.messages.count == 2000)
        #expect(read.messages[1000].message.fields["p"] == .string(big))
        #expect(read.messages.map(\.line) == Array(1...2000))
    }

    @Test("a line over the length limit is skipped with a warning and reading goes on")
    func tooLong() {
        var bytes = Array(#"{"task_uuid":"a","task_level":[1],"timestamp":1,"message_type":"m"}"#.utf8) + [0x0A]
        bytes += [UInt8](repeating: 0x41, count: 5 << 20) + [0x0A]
        bytes += Array(#"{"task_uuid":"b","task_level":[1],"timestamp":1,"message_type":"m"}"#.utf8) + [0x0A]
        let reader = EventLogReader(bytes: bytes)
        reader.maxLineLength = 1 << 20
        let read = reader.readAll()
        #expect(read.messages.map(\.message.taskUUID) == ["a", "b"])
        #expect(read.messages.map(\.line) == [1, 3])
        #expect(read.warnings.map(\.code) == [.lineTooLong])
        #expect(read.warnings.first?.line == 2)
    }

    @Test("reads a file descriptor such as standard input")
    func fileDescriptor() throws {
        let pipe = Pipe()
        let line = #"{"task_uuid":"a","task_level":[1],"timestamp":1,"message_type":"m"}"# + "\n"
        pipe.fileHandleForWriting.write(Data((line + line.replacingOccurrences(of: "\"a\"", with: "\"b\"")).utf8))
        try pipe.fileHandleForWriting.close()
        let read = EventLogReader(fileDescriptor: pipe.fileHandleForReading.fileDescriptor, name: "<stdin>").readAll()
        #expect(read.messages.map(\.message.taskUUID) == ["a", "b"])
    }

    @Test("notices the format header")
    func header() {
        let encoder = EventLogEncoder()
        let bytes = encoder.encode(EventLogFormat.header(taskUUID: "h", timestamp: 1, fields: ["program": "x"]))
        let reader = EventLogReader(bytes: bytes)
        #expect(reader.formatVersion == nil)
        let read = reader.readAll()
        #expect(reader.formatVersion == EventLogFormat.version)
        #expect(read.messages.first?.message.messageType == "reactortrack:format")
    }

    @Test("a missing file is an I/O error")
    func missingFile() {
        #expect(throws: EventLogError.self) { try EventLogReader(path: "/nonexistent/mon.out") }
    }

    @Test("until: messages stamped later are left out, a late one's warning too; untimed ones and damage stay")
    func until() {
        let long = String(repeating: "x", count: 100)
        let text = [
            #"{"task_uuid":"a","task_level":[1],"timestamp":1,"message_type":"m"}"#,
            #"{"task_uuid":"a","task_level":[2],"timestamp":5,"message_type":"late"}"#,
            #"{"task_uuid":"a","task_level":[3],"timestamp":6,"message_type":"late","v":"\#(long)"}"#,
            #"{"task_uuid":"a","task_level":[4],"message_type":"untimed"}"#,
            "not json",
            #"{"task_uuid":"a","task_level":[5],"timestamp":2,"message_type":"m","v":"\#(long)"}"#,
            #"{"task_uuid":"a","task_level":[6],"timestamp":7,"message_type":"late"}"#,
        ].joined(separator: "\n")
        let reader = EventLogReader(bytes: Array(text.utf8))
        reader.maxValueBytes = 10
        reader.until = 3
        let (messages, warnings) = reader.readAll()
        #expect(messages.map(\.message.messageType) == ["m", "untimed", "m"])
        #expect(messages.map(\.line) == [1, 4, 6], "lines keep their numbers")
        // The untimed message's, the damaged line, and the cut value of line 6; not the cut value of line 3,
        // which is after `until`.
        #expect(warnings.compactMap(\.line) == [4, 5, 6])
        let whole = EventLogReader(bytes: Array(text.utf8))
        #expect(whole.readAll().messages.count == 6)
    }
}
