#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ISO 8601 times in UTC, read for `--since`/`--until`.
enum ISOTime {
    /// Reads `2026-11-23T10:54:34Z`, with a fraction of a second (kept to the microsecond) and any UTC offset.
    ///
    /// Out-of-range fields (month 13, 31 April, hour 24, second 60) are refused rather than rolled over.
    static func parse(_ text: String) -> Double? {
        guard fieldsAreInRange(text) else { return nil }
        // ISO8601FormatStyle lives in FoundationEssentials; ISO8601DateFormatter would load all of Foundation
        // and ICU (about 6 MB of resident memory) into every command.
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) {
            return date.timeIntervalSince1970
        }
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date.timeIntervalSince1970 }
        return nil
    }

    /// Whether `text` starts `YYYY-MM-DDTHH:MM:SS` with every field in range (the rest is left to the parser).
    static func fieldsAreInRange(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return false }
        func number(_ start: Int, _ length: Int) -> Int? {
            var value = 0
            for byte in bytes[start..<start + length] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2)
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...12).contains(month) && (1...days[month - 1]).contains(day) && hour < 24 && minute < 60
            && second < 60
    }
}
