#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens inputs and writes outputs with POSIX calls (reading is ``EventLogReader``'s).
///
/// Foundation's `FileHandle` is not in FoundationEssentials: using it would load all of Foundation and ICU
/// (about 6 MB of resident memory) into every command just to open a file.
package enum PosixFile {
    /// The device and inode of the file at `path` (following symlinks), or `nil` if there is none: two paths
    /// with the same identity name the same file.
    package static func identity(of path: String) -> [UInt64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }

    /// Creates or truncates the file at `path` and writes `bytes` to it.
    package static func write(_ bytes: some Collection<UInt8>, to path: String) throws(Failure) {
        var fd: Int32
        repeat { fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw Failure(reason(errno)) }
        let failure =
            bytes.withContiguousStorageIfAvailable { buffer in write(buffer, to: fd) }
            ?? Array(bytes).withUnsafeBufferPointer { buffer in write(buffer, to: fd) }
        if close(fd) != 0, failure == 0 { throw Failure(reason(errno)) }
        if failure != 0 { throw Failure(reason(failure)) }
    }

    /// Writes all of `buffer`, retrying interrupted and short writes; returns 0, or the `errno` of the failure.
    private static func write(_ buffer: UnsafeBufferPointer<UInt8>, to fd: Int32) -> Int32 {
        var offset = 0
        while offset < buffer.count {
            let n = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return 0
    }

    /// Why reading or writing failed.
    package struct Failure: Error {
        package let message: String
        init(_ message: String) { self.message = message }
    }

    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    private static func openForReading(_ path: String) -> Int32 {
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        return fd
    }

    /// Opens the file at `path` for reading (not a directory), retrying interrupted opens.
    ///
    /// - Throws: The reason: `no such file`, `is a directory`, `permission denied`, `too many symbolic links`,
    ///   `name too long`, or the system's text for another failure.
    package static func openFile(_ path: String) throws(Failure) -> Int32 {
        let fd = openForReading(path)
        guard fd >= 0 else { throw Failure(openFailure(errno)) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw Failure("is a directory")
        }
        return fd
    }

    private static func openFailure(_ code: Int32) -> String {
        switch code {
        case ENOENT, ENOTDIR: "no such file"
        case EACCES, EPERM: "permission denied"
        case ELOOP: "too many symbolic links"
        case ENAMETOOLONG: "name too long"
        case EISDIR: "is a directory"
        default: reason(code)
        }
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Musl)
private let systemWrite = Musl.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
