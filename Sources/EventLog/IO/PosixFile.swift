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

    /// The device and inode of an open descriptor (standard input is 0), or `nil`.
    package static func identity(ofDescriptor fd: Int32) -> [UInt64]? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }

    /// Replaces the file at `path` with `bytes`, whole or not at all (see ``replace(_:_:)``).
    package static func write(_ bytes: some Collection<UInt8>, to path: String) throws(Failure) {
        do {
            try replace(path) { temporary throws(Failure) in
                var fd: Int32
                repeat { fd = open(temporary, O_WRONLY | O_TRUNC | O_CLOEXEC) } while fd < 0 && errno == EINTR
                guard fd >= 0 else { throw Failure(reason(errno)) }
                let failure =
                    bytes.withContiguousStorageIfAvailable { buffer in writeAll(buffer, to: fd) }
                    ?? Array(bytes).withUnsafeBufferPointer { buffer in writeAll(buffer, to: fd) }
                if close(fd) != 0, failure == 0 { throw Failure(reason(errno)) }
                if failure != 0 { throw Failure(reason(failure)) }
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure("\(error)")
        }
    }

    /// Replaces the file at `path` whole or not at all: `write` fills a new file beside it (in the same folder,
    /// so that the rename is atomic), which is flushed to disk and renamed over `path`. On any failure the new
    /// file is removed and a previous file at `path` is left as it was.
    ///
    /// - Parameter write: Writes the new file, given its path (it exists, empty).
    /// - Throws: ``Failure`` when the new file cannot be made, synced or renamed; or what `write` throws.
    package static func replace(_ path: String, _ write: (_ temporaryPath: String) throws -> Void) throws {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(folder).\(name).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Failure(openFailure(errno)) }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var done = false
        defer { if !done { unlink(temporary) } }
        // mkstemp makes the file private; the result gets the usual permissions.
        let mask = umask(0)
        umask(mask)
        fchmod(fd, 0o666 & ~mask)
        close(fd)
        try write(temporary)
        let synced = open(temporary, O_RDONLY | O_CLOEXEC)
        guard synced >= 0 else { throw Failure(reason(errno)) }
        let syncFailed = fsync(synced) != 0 ? errno : 0
        close(synced)
        if syncFailed != 0 { throw Failure(reason(syncFailed)) }
        guard rename(temporary, path) == 0 else { throw Failure(openFailure(errno)) }
        done = true
    }

    /// Writes all of `buffer` to `fd`, retrying interrupted and short writes; returns 0, or the `errno` of the
    /// failure. The one "write all bytes" loop of the package.
    package static func writeAll(_ buffer: UnsafeBufferPointer<UInt8>, to fd: Int32) -> Int32 {
        var offset = 0
        return writeAll(buffer, to: fd, written: &offset)
    }

    /// ``writeAll(_:to:)`` that also says how many bytes went out before a failure (`written`).
    package static func writeAll(_ buffer: UnsafeBufferPointer<UInt8>, to fd: Int32, written offset: inout Int) -> Int32 {
        while offset < buffer.count {
            let n = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return EIO }
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
