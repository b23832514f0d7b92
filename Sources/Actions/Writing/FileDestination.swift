public import EventLog
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes messages as JSON lines to a file (Eliot's `FileDestination`).
///
/// Each message is encoded whole and written with `write(2)` (a batch with a single call), so lines from
/// concurrent writers never interleave. When a write fails partway (a full disk), the line it cut off is
/// truncated away: a line is in the file whole or not at all. Nothing is buffered in the process: once ``write(_:)`` returns, the line is in the
/// file.
public final class FileDestination: LogDestination {
    private let descriptor: NIOLockedValueBox<Int32>
    private let closeOnDeinit: Bool
    /// The path or name given at creation, for messages.
    public let name: String

    /// Opens (creating if needed) the file at `path`.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - append: Append to an existing file (the default) or truncate it.
    /// - Throws: ``ActionError`` with code ``ActionError/Code/ioFailure``.
    public init(path: String, append: Bool = true) throws(ActionError) {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else {
            throw ActionError(code: .ioFailure, message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = NIOLockedValueBox(fd)
        closeOnDeinit = true
        name = path
    }

    /// Writes to an already open descriptor, such as standard output (1); it is not closed.
    public init(fileDescriptor: Int32, name: String = "<fd>") {
        descriptor = NIOLockedValueBox(fileDescriptor)
        closeOnDeinit = false
        self.name = name
    }

    deinit {
        if closeOnDeinit { descriptor.withLockedValue { _ = close($0) } }
    }

    /// Encodes and writes one line.
    public func write(_ message: EventMessage) throws {
        var line = LineBuilder(capacity: 256)
        line.append(message)
        if let error = write(lines: line).error { throw error }
    }

    /// Encodes the whole batch and writes it with one system call.
    public func write(batch: [EventMessage]) -> [(index: Int, error: any Error)] {
        guard !batch.isEmpty else { return [] }
        var lines = LineBuilder(capacity: batch.count * 256)
        for message in batch { lines.append(message) }
        let (written, error) = write(lines: lines)
        guard let error else { return [] }
        // Lines that ended before the failure are in the file; the rest are not.
        return (written..<batch.count).map { (index: $0, error: error) }
    }

    /// Writes encoded lines with one system call (retried until all are written or one fails); returns how many
    /// lines are in the file, whole, and the error that stopped the rest.
    ///
    /// A line is in the file whole or not at all: a line cut off by a failure is taken back, so that the next
    /// write does not glue a line onto half of one.
    package func write(lines: borrowing LineBuilder) -> (written: Int, error: ActionError?) {
        guard !lines.isEmpty else { return (0, nil) }
        var written = 0
        var whole = 0
        let failure = descriptor.withLockedValue { fd -> Int32 in
            let failure = lines.withBytes { PosixFile.writeAll($0, to: fd, written: &written) }
            guard failure != 0 else { return 0 }
            whole = lines.ends.last { $0 <= written } ?? 0
            if written > whole {
                let end = lseek(fd, 0, SEEK_CUR)
                if end >= 0 {
                    let cut = end - off_t(written - whole)
                    if ftruncate(fd, cut) == 0 { _ = lseek(fd, cut, SEEK_SET) }
                }
            }
            return failure
        }
        guard failure != 0 else { return (lines.count, nil) }
        let count = lines.ends.prefix { $0 <= whole }.count
        let error = ActionError(code: .ioFailure, message: "write failed: \(String(cString: strerror(failure)))")
        return (count, error)
    }

    /// Writes the `reactortrack:format` header message (see ``EventLogFormat``), in a task of its own.
    public func writeHeader(fields: [String: JSONValue] = [:]) throws {
        try write(EventLogFormat.header(taskUUID: newTaskUUID(), timestamp: currentTimestamp(), fields: fields))
    }

    /// Calls `fsync(2)`, for callers that need the data on the disk, not only in the file.
    public func synchronize() {
        descriptor.withLockedValue { _ = fsync($0) }
    }
}
