@testable import EventLog
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try JSONValue(parsing: Array(text.utf8))
    }

    @Test("parses every kind of value")
    func values() throws {
        let value = try parse(#" {"a": [1, -2, 3.5, 1e3, -0.0, true, false, null, "x"], "b": {"c": {}}, "d": []} "#)
        #expect(
            value == [
                "a": [1, -2, 3.5, 1000.0, .double(-0.0), true, false, nil, "x"], "b": ["c": [:]], "d": [],
            ])
    }

    @Test("decodes escapes, surrogate pairs and raw UTF-8")
    func strings() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9""#) == "\"\\/\u{8}\u{c}\n\r\tAé")
        #expect(try parse(#""\ud83d\ude00 café ☃""#) == "😀 café ☃")
    }

    @Test("turns a lone surrogate into U+FFFD, as a Swift String cannot hold one")
    func loneSurrogates() throws {
        #expect(try parse(#""a\ud800b""#) == "a\u{FFFD}b")
        #expect(try parse(#""\udc00""#) == "\u{FFFD}")
        #expect(try parse(#""\ud800\u0041""#) == "\u{FFFD}A")
    }

    @Test("keeps big integers exact and turns out-of-range ones into doubles")
    func numbers() throws {
        #expect(try parse("4611686018427387904") == .int(4_611_686_018_427_387_904))
        #expect(try parse("-9223372036854775808") == .int(Int.min))
        #expect(try parse("18446744073709551616") == .double(18_446_744_073_709_551_616))
        #expect(try parse("1795431274.1204383") == .double(1_795_431_274.1204383))
        #expect(try parse("0.30000000000000004") == .double(0.30000000000000004))
    }

    @Test(
        "rejects what JSON rejects",
        arguments: [
            "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{'a':1}", "01", "1.", ".5", "-", "+1", "1e", "0x10", "NaN",
            "Infinity", "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"", "\"a\tb\"", "\"a\nb\"", "[1 2]",
            "{\"a\" 1}", "{1:2}", "// c\n1", "1 2", "[", "{\"a\":}", "\"\\", "truex", "[-]", "1.e5",
        ])
    func rejects(_ text: String) {
        #expect(throws: JSONParseError.self) { try parse(text) }
    }

    @Test("rejects invalid UTF-8 inside strings")
    func invalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [0x22, 0xFF, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [0x22, 0xC3, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [0x22, 0xED, 0xA0, 0x80, 0x22]) }
    }

    @Test("strings are read eight bytes at a time: a quote, escape, control or non-ASCII byte at any offset counts")
    func specialByteAtEveryOffset() throws {
        // (the piece, what the string decodes to with it, or nil when the document is invalid)
        let pieces: [([UInt8], String?)] = [
            (Array("c".utf8), "c"), (Array(#"\""#.utf8), "\""), (Array(#"\\"#.utf8), "\\"),
            (Array(#"\u0041"#.utf8), "A"), ([0x01], nil), ([0x1F], nil), ([0x7F], "\u{7F}"), ([0xC3, 0xA9], "é"),
            ([0xFF], nil), ([0xC3], nil), (Array("\"".utf8), nil),
        ]
        let length = 40
        for k in 0..<length {
            for (piece, decoded) in pieces {
                let content = [UInt8](repeating: UInt8(ascii: "a"), count: k) + piece
                    + [UInt8](repeating: UInt8(ascii: "b"), count: length - k)
                let document = [UInt8(ascii: "\"")] + content + [UInt8(ascii: "\"")]
                let expected = decoded.map { String(repeating: "a", count: k) + $0 + String(repeating: "b", count: length - k) }
                let parsed = try? JSONValue(parsing: document)
                #expect(parsed == expected.map(JSONValue.string), "offset \(k), piece \(piece)")
                document.withUnsafeBufferPointer { buffer in
                    var skipping = JSONParser(buffer)
                    let skipped = (try? skipping.skipValue()) != nil && skipping.pos == buffer.count
                    #expect(skipped == (expected != nil), "skip: offset \(k), piece \(piece)")
                    // The plain way: only ASCII without escapes; a raw quote ends the string there.
                    var plain = JSONParser(buffer)
                    let bytes = plain.parsePlainString().map { Array($0) }
                    let isPlain = piece.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != UInt8(ascii: "\\") }
                    let plainExpected: [UInt8]? =
                        piece == Array("\"".utf8) ? Array(content[..<k]) : isPlain ? content : nil
                    #expect(bytes == plainExpected, "plain: offset \(k), piece \(piece)")
                }
            }
        }
    }

    @Test("limits nesting instead of overflowing the stack")
    func deepNesting() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try parse(deep) }
        let ok = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        _ = try parse(ok)
    }

    /// `value` as the encoder writes it: non-finite numbers (from overflowing literals like `1e999`) become null.
    static func finite(_ value: JSONValue) -> JSONValue {
        switch value {
        case .double(let d) where !d.isFinite: .null
        case .array(let items): .array(items.map(finite))
        case .object(let members): .object(members.mapValues(finite))
        default: value
        }
    }

    @Test("fuzz: random and mutated bytes never crash, and what parses re-encodes to the same value")
    func fuzz() throws {
        var rng = SplitMix64(seed: 0x5EED)
        let seeds: [[UInt8]] = [
            #"{"task_uuid":"u","task_level":[1,2],"timestamp":1.5,"message_type":"m","x":[1,{"y":null}]}"#,
            #"{"a":"\u00e9\ud83d\ude00\n","b":-0.0,"c":1e-7,"d":[true,false],"e":{}}"#,
            #"[1,2,3,{"k":"v"},"é☃😀",null]"#,
        ].map { Array($0.utf8) }
        let alphabet = Array(#"{}[]",:\/-+.eE0123456789 truefalsnulx"#.utf8) + [0x00, 0x0A, 0x80, 0xC3, 0xFF, 0xED]
        let encoder = EventLogEncoder()
        var accepted = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 4 == 0 {
                bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            } else {
                bytes = seeds.randomElement(using: &rng)!
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let i = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: bytes[i] = alphabet.randomElement(using: &rng)!
                    case 1: bytes.remove(at: i)
                    case 2: bytes.insert(alphabet.randomElement(using: &rng)!, at: i)
                    default: bytes = Array(bytes[..<i])
                    }
                    if bytes.isEmpty { break }
                }
            }
            if let value = try? JSONValue(parsing: bytes) {
                accepted += 1
                let again = try JSONValue(parsing: encoder.encode(value))
                #expect(again == Self.finite(value), "round trip of \(String(decoding: bytes, as: UTF8.self))")
            }
            // The reader must survive the same bytes as a line.
            _ = EventLogReader(bytes: bytes + [0x0A] + bytes, name: "fuzz").readAll()
        }
        #expect(accepted > 100)
    }
}
