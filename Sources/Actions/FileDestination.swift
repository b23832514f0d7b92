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
        let line = EventLogEncoder().encode(message)
        let failure = descriptor.withLockedValue { fd in Self.writeAll(fd, line) }
        if let failure { throw failure }
    }

    /// Encodes the whole batch and writes it with one system call.
    public func write(batch: [EventMessage]) -> [(index: Int, error: any Error)] {
        guard !batch.isEmpty else { return [] }
        let encoder = EventLogEncoder()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(batch.count * 256)
        var ends: [Int] = []
        ends.reserveCapacity(batch.count)
        for message in batch {
            encoder.append(message, to: &buffer)
            ends.append(buffer.count)
        }
        var written = 0
        var whole = 0
        let failure = descriptor.withLockedValue { fd -> ActionError? in
            guard let failure = Self.writeAll(fd, buffer, written: &written) else { return nil }
            // A line is in the file whole or not at all: a line cut off by the failure is taken back, so that
            // the next write does not glue a line onto half of one.
            whole = ends.last { $0 <= written } ?? 0
            if written > whole {
                let end = lseek(fd, 0, SEEK_CUR)
                if end >= 0 {
                    let cut = end - off_t(written - whole)
                    if ftruncate(fd, cut) == 0 { _ = lseek(fd, cut, SEEK_SET) }
                }
            }
            return failure
        }
        guard let failure else { return [] }
        // Lines that ended before the failure are in the file; the rest are not.
        return ends.enumerated().filter { $0.element > whole }.map { (index: $0.offset, error: failure) }
    }

    /// Writes the `reactortrack:format` header message (see ``EventLogFormat``), in a task of its own.
    public func writeHeader(fields: [String: JSONValue] = [:]) throws {
        try write(EventLogFormat.header(taskUUID: newTaskUUID(), timestamp: currentTimestamp(), fields: fields))
    }

    /// Calls `fsync(2)`, for callers that need the data on the disk, not only in the file.
    public func synchronize() {
        descriptor.withLockedValue { _ = fsync($0) }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> ActionError? {
        var written = 0
        return writeAll(fd, bytes, written: &written)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], written: inout Int) -> ActionError? {
        bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + written, raw.count - written)
                if n > 0 {
                    written += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    let reason = n < 0 ? String(cString: strerror(errno)) : "wrote nothing"
                    return ActionError(code: .ioFailure, message: "write failed: \(reason)")
                }
            }
            return nil
        }
    }
}

/// `write(2)`, under a name the class's own `write` methods do not hide.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
