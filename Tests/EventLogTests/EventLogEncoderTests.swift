import EventLog
import Foundation
import Testing

@Suite("JSON-lines encoder")
struct EventLogEncoderTests {
    let encoder = EventLogEncoder()

    func line(_ message: EventMessage) -> String {
        String(decoding: encoder.encode(message), as: UTF8.self)
    }

    @Test("writes Eliot's fields in snake_case, one line ending in a newline")
    func fields() {
        let message = EventMessage(
            taskUUID: "u-1", taskLevel: [2, 1], timestamp: 1.5, actionType: "app:fetch", actionStatus: .failed,
            exception: "App.Boom", reason: "it broke", fields: ["url": "http://x/", "n": 3])
        let expected =
            #"{"task_uuid":"u-1","task_level":[2,1],"timestamp":1.5,"action_type":"app:fetch","#
            + #""action_status":"failed","exception":"App.Boom","reason":"it broke","n":3,"url":"http://x/"}"#
        #expect(line(message) == expected + "\n")
    }

    @Test("escapes quotes, backslashes and every control character, and keeps other text as UTF-8")
    func escaping() throws {
        var all = ""
        for scalar in 0..<0x20 { all.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        all += "\"\\/é☃😀\u{7F}\u{2028}"
        let message = EventMessage(taskUUID: "u", taskLevel: [1], timestamp: 0, messageType: all)
        let text = line(message)
        #expect(text.contains(#"\u0000\u0001"#))
        #expect(text.contains(#"\b\t\n\u000b\f\r"#))
        #expect(text.contains(#"\"\\/é☃😀"#))
        #expect(text.filter { $0 == "\n" }.count == 1 && text.hasSuffix("\n"))
        let back = try JSONValue(parsing: Array(text.utf8))
        guard case .object(let object) = back else {
            Issue.record("not an object")
            return
        }
        #expect(object["message_type"] == .string(all))
    }

    @Test("a string built from a lone UTF-16 surrogate is written as U+FFFD")
    func loneSurrogate() throws {
        let broken = String(decoding: [0xD800, 0x41] as [UInt16], as: UTF16.self)
        let message = EventMessage(taskUUID: "u", taskLevel: [1], timestamp: 0, messageType: broken)
        let value = try JSONValue(parsing: encoder.encode(message))
        guard case .object(let object) = value else { return }
        #expect(object["message_type"] == "\u{FFFD}A")
    }

    @Test("writes non-finite numbers as null and finite ones so that they round-trip")
    func numbers() throws {
        let values: [Double] = [
            .nan, .infinity, -.infinity, 0.1 + 0.2, -0.0, 1e300, .leastNonzeroMagnitude, 1_795_431_274.1204383,
        ]
        let message = EventMessage(
            taskUUID: "u", taskLevel: [1], timestamp: .nan, messageType: "m",
            fields: ["v": .array(values.map(JSONValue.double)), "i": .int(Int.min)])
        let text = line(message)
        #expect(text.contains(#""timestamp":null"#))
        let back = try JSONValue(parsing: Array(text.utf8))
        guard case .object(let object) = back, case .array(let items)? = object["v"] else {
            Issue.record("bad shape")
            return
        }
        #expect(Array(items.prefix(3)) == [nil, nil, nil])
        #expect(items.dropFirst(3).map(\.doubleValue) == values.dropFirst(3).map { $0 })
        #expect(object["i"] == .int(Int.min))
    }

    @Test("a field named like a known one is not written twice")
    func reservedFieldNames() {
        let message = EventMessage(
            taskUUID: "u", taskLevel: [1], timestamp: 1, messageType: "m", fields: ["task_uuid": "evil"])
        #expect(!line(message).contains("evil"))
    }

    @Test("encoding and reading back gives the same message")
    func roundTrip() {
        let messages = [
            EventMessage(
                taskUUID: "u", taskLevel: [1], timestamp: 2.25, messageType: "m",
                fields: ["nested": ["a": [1, 2.5, nil, "s"]], "flag": true]),
            EventMessage(
                taskUUID: "u", taskLevel: [2, 1], timestamp: 3, actionType: "a", actionStatus: .started),
        ]
        let bytes = messages.flatMap(encoder.encode)
        let read = EventLogReader(bytes: bytes, name: "mem").readAll()
        #expect(read.warnings.isEmpty)
        #expect(read.messages.map(\.message) == messages)
        #expect(read.messages.map(\.line) == [1, 2])
    }

    @Test("exception and reason given as ordinary fields are written (writeFailure, a chain fired with a failure)")
    func failureFields() throws {
        var message = EventMessage(
            taskUUID: "t", taskLevel: [1], timestamp: 1, messageType: "eliot:traceback",
            fields: ["exception": "builtins.KeyError", "reason": "'id'", "traceback": "..."])
        let line = String(decoding: EventLogEncoder().encode(message), as: UTF8.self)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["exception"] as? String == "builtins.KeyError")
        #expect(object["reason"] as? String == "'id'")
        // When the properties are set they win, and each key is written once.
        message.exception = "E"
        message.reason = "r"
        let both = String(decoding: EventLogEncoder().encode(message), as: UTF8.self)
        #expect(both.components(separatedBy: "\"exception\"").count == 2)
        #expect(both.contains("\"exception\":\"E\"") && both.contains("\"reason\":\"r\""))
    }
}
