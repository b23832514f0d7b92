import EventLog
import Testing

@Suite("Reading only some fields")
struct KeptFieldsTests {
    func read(_ bytes: [UInt8], keeping kept: Set<String>?) -> (messages: [EventMessage], warnings: [String]) {
        let reader = EventLogReader(bytes: bytes, name: "f")
        reader.keptFields = kept
        let (messages, warnings) = reader.readAll()
        return (messages.map(\.message), warnings.map(\.description))
    }

    func filtered(_ message: EventMessage, _ kept: Set<String>) -> EventMessage {
        var message = message
        // A standard field of the wrong type (a numeric message_type, say) is kept in `fields` either way.
        let standard: Set<String> = [
            "task_uuid", "task_level", "timestamp", "message_type", "action_type", "action_status", "exception", "reason",
            EventLogFormat.versionField,
        ]
        message.fields = message.fields.filter { kept.contains($0.key) || standard.contains($0.key) }
        return message
    }

    @Test("keeps the standard fields, the ones asked for and the format version; drops the rest")
    func keeps() {
        let lines = #"""
            {"task_uuid":"h","task_level":[1],"timestamp":1,"message_type":"reactortrack:format","format_version":1}
            {"task_uuid":"t","task_level":[1],"timestamp":2,"action_type":"a","action_status":"started","label":"x","big":{"deep":[1,"two",{"3":null}]},"s":"\u00e9\n"}
            {"task_uuid":"t","task_level":[2],"timestamp":3,"action_type":"a","action_status":"failed","exception":"E","reason":"r","index":4}
            """#
        let reader = EventLogReader(bytes: Array(lines.utf8), name: "f")
        reader.keptFields = ["label", "index"]
        let (messages, warnings) = reader.readAll()
        #expect(warnings.isEmpty)
        #expect(reader.formatVersion == 1)
        #expect(messages.map { Set($0.message.fields.keys) } == [["format_version"], ["label"], ["index"]])
        #expect(messages[1].message.actionType == "a" && messages[1].message.timestamp == 2)
        #expect(messages[2].message.exception == "E" && messages[2].message.reason == "r")
    }

    @Test(
        "a damaged value in a dropped field is the same warning as in a kept one",
        arguments: [
            #""big":[1,]"#, #""big":"\x""#, #""big":01"#, #""big":"a\#tb""#, #""big":{"a" 1}"#, #""big":tru"#,
            #""big":"\u12""#, #""big":-"#, #""big":1.e5"#, #""big":[1 2]"#, #""big":"abc"#, #""big":{"a":}"#,
        ])
    func damaged(_ field: String) {
        let line = Array(#"{"task_uuid":"t","task_level":[1],"timestamp":1,"message_type":"m","#.utf8) + Array(field.utf8)
            + Array("}\n".utf8)
        let all = read(line, keeping: nil)
        let some = read(line, keeping: [])
        #expect(all.messages.isEmpty && all.warnings.count == 1)
        #expect(some.warnings == all.warnings)
    }

    @Test("invalid UTF-8 in a dropped string is still a warning")
    func invalidUTF8() {
        let head = Array(#"{"task_uuid":"t","task_level":[1],"timestamp":1,"big":""#.utf8)
        for bad: [UInt8] in [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC3, 0x5C, 0x6E], [0xE2, 0x98]] {
            let line = head + bad + Array("\"}\n".utf8)
            let some = read(line, keeping: [])
            #expect(some.messages.isEmpty)
            #expect(some.warnings == read(line, keeping: nil).warnings)
        }
        let good = head + [0xC3, 0xA9, 0x5C, 0x6E, 0xE2, 0x98, 0x83] + Array("\"}\n".utf8)
        #expect(read(good, keeping: []).messages.count == 1)
    }

    @Test("fuzz: with fields dropped, every line gives the same warning or the same message, less those fields")
    func fuzz() {
        var rng = SplitMix64(seed: 0xF1E1D)
        let seeds: [[UInt8]] = [
            #"{"task_uuid":"u","task_level":[1,2],"timestamp":1.5,"message_type":"m","x":[1,{"y":null}],"label":"l"}"#,
            #"{"task_uuid":"u","task_level":[1],"timestamp":1,"a":"\u00e9\ud83d\ude00\n","b":-0.0,"c":1e-7,"d":[true,false],"e":{}}"#,
            #"{"task_uuid":"u","task_level":[3],"timestamp":2,"action_type":"t","action_status":"succeeded","z":"é☃😀","index":2}"#,
        ].map { Array($0.utf8) }
        let alphabet = Array(#"{}[]",:\/-+.eE0123456789 truefalsnulxu"#.utf8) + [0x00, 0x80, 0xC3, 0xFF, 0xED, 0xA9]
        let kept: Set<String> = ["label", "index"]
        var lines: [[UInt8]] = []
        for _ in 0..<20_000 {
            var bytes = seeds.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                // Mutate after the standard fields, where the dropped values are.
                let i = Int.random(in: min(60, bytes.count - 1)..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[i] = alphabet.randomElement(using: &rng)!
                case 1: bytes.remove(at: i)
                default: bytes.insert(alphabet.randomElement(using: &rng)!, at: i)
                }
            }
            lines.append(bytes)
        }
        let input: [UInt8] = lines.flatMap { line -> [UInt8] in line + [0x0A] }
        let all = read(input, keeping: nil)
        let some = read(input, keeping: kept)
        #expect(some.warnings == all.warnings)
        let expected = all.messages.map { filtered($0, kept) }
        #expect(some.messages.count == expected.count)
        let mismatch = zip(some.messages, expected).first { $0.0 != $0.1 }
        #expect(mismatch == nil, "\(String(describing: mismatch))")
        #expect(all.messages.count > 1000 && all.warnings.count > 1000)
    }
}
