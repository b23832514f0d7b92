#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ISO 8601 times in UTC, read for `--since`/`--until`.
enum ISOTime {
    /// Reads `2026-11-23T10:54:34Z`, with a fraction of a second (kept to the microsecond) and any UTC offset.
    static func parse(_ text: String) -> Double? {
        // ISO8601FormatStyle lives in FoundationEssentials; ISO8601DateFormatter would load all of Foundation
        // and ICU (about 6 MB of resident memory) into every command.
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) {
            return date.timeIntervalSince1970
        }
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date.timeIntervalSince1970 }
        return nil
    }
}
