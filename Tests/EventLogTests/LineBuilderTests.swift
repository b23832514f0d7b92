import EventLog
import Foundation
import Testing

/// `LineBuilder`'s number and string writers against independent readers: Swift's own integer text,
/// `Double(String)` and Foundation's JSON decoder. The writers take shortcuts (digit pairs, eight bytes of a string
/// at a time, timestamps from integers); these tests hold them to what the slow way gives.
@Suite("Line builder")
struct LineBuilderTests {
    func text(_ build: (inout LineBuilder) -> Void) -> String {
        var line = LineBuilder(capacity: 16)
        build(&line)
        return line.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    @Test("integers read as Swift writes them: every length, both signs, both ends")
    func integers() {
        var values = Array(-1_000...1_000) + [Int.max, Int.min, Int.max - 1, Int.min + 1]
        var power = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -(power - 1), -power, -(power + 1)]
        }
        var random = SplitMix64(seed: 7)
        for _ in 0..<5_000 { values.append(Int(truncatingIfNeeded: random.next()) >> Int(random.next() % 63)) }
        for value in values {
            #expect(text { $0.int(value) } == String(value))
            #expect(text { $0.quoted(value) } == "\"\(value)\"")
        }
    }

    @Test("a Unix timestamp is written in at most seven decimals that read back as the same double")
    func timestamps() throws {
        var random = SplitMix64(seed: 11)
        var values: [Double] = [1_073_741_824, 2_147_483_647.5, 1_700_000_000, 1_700_000_000.5, 1_700_000_000.000_000_2]
        values.append((1_700_000_001.0).nextDown)
        values.append((1_073_741_824.0).nextUp)
        values.append((2_147_483_648.0).nextDown)
        for _ in 0..<20_000 {
            values.append(1_073_741_824 + Double(random.next() % (1 << 53)) / Double(1 << 53) * 1_073_741_824)
        }
        for value in values {
            let written = text { $0.double(value) }
            let back = try #require(Double(written), "\(written)")
            #expect(back == value, "\(value) written as \(written)")
            let parts = written.split(separator: ".")
            #expect(parts.count == 2 && parts[0].count == 10, "\(written)")
            let decimals = parts.count == 2 ? parts[1] : ""
            #expect((1...7).contains(decimals.count), "\(written)")
            #expect(decimals == "0" || !decimals.hasSuffix("0"), "\(written)")
        }
    }

    @Test("strings are escaped exactly as JSON requires, whatever byte sits at whatever offset")
    func strings() throws {
        let specials: [String] = ["\"", "\\", "\n", "\r", "\t", "\u{8}", "\u{C}", "\u{0}", "\u{1F}", "\u{7F}"]
        let plain: [String] = ["a", "Z", "0", " ", "/", "é", "☃", "😀"]
        var cases: [String] = [""]
        for special in specials {
            for offset in 0..<24 { cases.append(String(repeating: "x", count: offset) + special + "tail-of-it") }
        }
        var random = SplitMix64(seed: 3)
        let alphabet = specials + plain + plain + plain
        for _ in 0..<3_000 {
            let count = Int(random.next() % 40)
            cases.append((0..<count).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined())
        }
        for string in cases {
            let written = text { $0.string(string) }
            #expect(written == expectedJSON(string), "\(string.debugDescription)")
            let back = try JSONSerialization.jsonObject(with: Data(written.utf8), options: .fragmentsAllowed)
            #expect(back as? String == string)
        }
    }

    /// JSON's escaping of `string`, one scalar at a time: the short escapes, `\u00XX` for the other control
    /// characters, everything else as it is.
    func expectedJSON(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
