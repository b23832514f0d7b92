/// The one terminal sanitiser (`tree`, `summary`, `export` and every warning and error use it; it lives here, below
/// every view, so that a command needs no drawing module to print safely). Text from a log made safe
/// and bounded for one terminal line: control characters (C0, DEL, C1), which could
/// move the cursor, retitle the window or plant a link, and bidirectional controls, which could reorder what is
/// shown, are written as visible escapes; newlines and tabs as `\n` and `\t`.
public enum TerminalText {
    /// `text` with every control character as a visible escape.
    public static func escaped(_ text: String) -> String {
        // Printable ASCII needs nothing (the common case, checked on the bytes); anything else is looked at.
        let printable = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        }
        if printable == true { return text }
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where needsEscape(scalar):
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// JSON text with the controls JSON lets through raw (DEL, C1, bidirectional) written as `\uXXXX` escapes:
    /// the same JSON to a parser, nothing that can drive a terminal. (JSON's own encoder escapes C0.)
    public static func jsonEscaped(_ json: String) -> String {
        if json.utf8.withContiguousStorageIfAvailable({ $0.allSatisfy { $0 < 0x7F } }) == true { return json }
        // C0 is left alone: the encoder escapes it inside strings, and outside them it is the layout.
        func escapes(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0x20 && needsEscape(scalar) }
        guard json.unicodeScalars.contains(where: escapes) else { return json }
        var result = ""
        result.reserveCapacity(json.utf8.count + 16)
        for scalar in json.unicodeScalars {
            if escapes(scalar) {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `text` escaped, and cut after `limit` characters with a visible `…` and the count of what was cut
    /// (`limit` 0 keeps it whole).
    public static func bounded(_ text: String, limit: Int) -> String {
        let safe = escaped(text)
        // No more bytes than the limit means no more characters (counting characters walks the whole text).
        guard limit > 0, safe.utf8.count > limit, safe.count > limit else { return safe }
        let kept = safe.prefix(limit)
        return kept + "…(+\(safe.count - kept.count) chars)"
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F...0x9F: true
        // Arabic letter mark, LRM/RLM, embeddings and overrides, isolates.
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// A Unix time as eliot-tree shows it, in UTC to the millisecond: `2023-11-14 22:13:20.123Z`; a time
    /// outside years 1–9999 (or not finite) is shown as the number.
    public static func utc(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds > -62_135_596_800, seconds < 253_402_300_800 else { return "\(seconds)" }
        let millis = Int64((seconds * 1000).rounded(.down))
        let (days, msOfDay) = millis.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, ms) = msOfDay < 0 ? (days - 1, msOfDay + 86_400_000) : (days, msOfDay)
        // Days since 1970-01-01 to a civil date (Howard Hinnant's days_from_civil, inverted).
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let time = "\(two(ms / 3_600_000)):\(two(ms / 60_000 % 60)):\(two(ms / 1000 % 60))"
        let fraction = String(ms % 1000 + 1000).dropFirst()
        return "\(y)-\(two(m))-\(two(d)) \(time).\(fraction)Z"
    }
}
