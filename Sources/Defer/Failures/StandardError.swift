#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to standard error through C's stdio, which writes the whole text (the package's one "write all bytes"
/// loop is in EventLog, which the Deferred runtime does not depend on).
enum StandardError {
    /// A stdio stream on descriptor 2, flushed after each text. stdio streams lock themselves, so sharing it
    /// between threads is safe.
    nonisolated(unsafe) private static let stream = fdopen(2, "a")

    static func write(_ text: String) {
        guard let stream else { return }
        _ = fputs(text, stream)
        _ = fflush(stream)
    }
}
