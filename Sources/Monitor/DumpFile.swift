import Actions
import EventLog
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a buffered monitor's log (`dump(to:)`) and checks every step: a write, `fsync` and `close` that fail
/// all throw, so a dump that returns is on the disk (a full disk or a failing NFS server often says so only at
/// `fsync` or `close`).
enum DumpFile {
    /// Writes `lines` to `path` (truncating it), syncs and closes it.
    static func write(_ lines: borrowing LineBuilder, to path: String) throws(ActionError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot open \(path)") }
        let writeError = lines.withBytes { bytes -> Int32 in
            var offset = 0
            while offset < bytes.count {
                let count = posixWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += count
            }
            return 0
        }
        if writeError != 0 {
            _ = close(fd)
            throw failure("\(path): write failed", errno: writeError)
        }
        if fsync(fd) != 0 {
            let error = errno
            _ = close(fd)
            throw failure("\(path): fsync failed", errno: error)
        }
        // Not retried on EINTR: on Linux the descriptor is closed whatever close returns.
        if close(fd) != 0 { throw failure("\(path): close failed") }
    }

    private static func failure(_ what: String, errno code: Int32 = errno) -> ActionError {
        ActionError(code: .ioFailure, message: "\(what): \(String(cString: strerror(code)))")
    }
}

#if canImport(Glibc)
private let posixWrite = Glibc.write
#elseif canImport(Darwin)
private let posixWrite = Darwin.write
#endif

/// How many times this process has been the child of a `fork` since the monitor module was first used: a
/// streaming monitor made before a `fork` has no writer thread in the child (threads do not survive `fork`).
enum ForkGeneration {
    private static let count = Atomic<UInt64>(0)
    private static let registered: Bool = {
        pthread_atfork(nil, nil) { ForkGeneration.count.add(1, ordering: .relaxed) }
        return true
    }()

    /// The current generation (registers the `fork` handler on first use).
    static var current: UInt64 {
        _ = registered
        return count.load(ordering: .relaxed)
    }
}
