#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens inputs and writes bytes with POSIX calls (reading is ``EventLogReader``'s; output files are
/// ``OutputFile``'s).
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

    /// The last `count` bytes of the file at `path` (fewer if it is shorter), or `nil` if it cannot be read.
    package static func tail(of path: String, count: Int) -> [UInt8]? {
        let fd = openForReading(path)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let end = Int(lseek(fd, 0, SEEK_END))
        guard end >= 0 else { return nil }
        let wanted = min(end, max(0, count))
        guard let bytes = readBytes(fd, at: end - wanted, count: wanted), bytes.count == wanted else { return nil }
        return bytes
    }

    /// Up to `count` bytes of `fd` from byte `offset`, fewer at its end; `nil` if reading fails.
    private static func readBytes(_ fd: Int32, at offset: Int, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: max(0, count))
        var filled = 0
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, $0.count - filled, off_t(offset + filled)) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { break }
            filled += n
        }
        return Array(bytes.prefix(filled))
    }

    /// The device, inode and size of the file at `path`, or `nil` if there is none: how a followed log is
    /// found rotated (another file by that name) or truncated (shorter than what was read).
    package static func followedState(of path: String) -> (identity: [UInt64], size: Int)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return ([UInt64(info.st_dev), UInt64(info.st_ino)], Int(info.st_size))
    }

    /// The `count` bytes of the file at `path` from byte `from` (fewer at its end), or `nil` if it cannot be read.
    package static func bytes(of path: String, from: Int, count: Int) -> [UInt8]? {
        let fd = openForReading(path)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readBytes(fd, at: from, count: count)
    }

    /// Reads the file at `path` from byte `from` to byte `to` a chunk at a time, and hands each line that ends
    /// with a newline there to `each`: its place among those lines (from 0) and its bytes without the newline,
    /// when `wanted` (ascending places) asks for it. Returns the end of the last whole line (`from` if there is
    /// none) and the number of whole lines, or `nil` if the file cannot be read.
    package static func wholeLines(
        of path: String, from: Int, to: Int, wanted: [Int] = [], _ each: (Int, [UInt8]) -> Void = { _, _ in }
    ) -> (end: Int, lines: Int)? {
        let fd = openForReading(path)
        guard fd >= 0, lseek(fd, off_t(from), SEEK_SET) == off_t(from) else {
            if fd >= 0 { close(fd) }
            return nil
        }
        defer { close(fd) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var position = from
        var lineStart = from
        var lines = 0
        var want = 0
        var partial: [UInt8] = []  // the wanted line being gathered across chunks
        while position < to {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, min($0.count, to - position)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return n == 0 ? (lineStart, lines) : nil }
            chunk.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                var k = 0
                while k < n {
                    let wantedHere = want < wanted.count && wanted[want] == lines
                    guard let hit = memchr(bytes.baseAddress! + k, 0x0A, n - k) else {
                        if wantedHere { partial += bytes[k..<n] }
                        break
                    }
                    let newline = bytes.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if wantedHere {
                        partial += bytes[k..<newline]
                        each(lines, partial)
                        partial = []
                        want += 1
                    }
                    lines += 1
                    lineStart = position + newline + 1
                    k = newline + 1
                }
            }
            position += n
        }
        return (lineStart, lines)
    }

    /// A stream socket connected to the Unix-domain socket at `path`, or -1 with `errno` set.
    package static func connect(toSocket path: String) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            errno = ENAMETOOLONG
            return -1
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (offset, byte) in bytes.enumerated() { raw[offset] = byte }
        }
        #if canImport(Darwin)
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #else
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        guard fd >= 0 else { return -1 }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let failure = errno
            close(fd)
            errno = failure
            return -1
        }
        return fd
    }

    /// A failure's `errno` in words: `no such file`, `permission denied`, `is a directory`, ... or the system's
    /// text (`No space left on device`).
    package static func describe(_ code: Int32) -> String { openFailure(code) }

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
private let systemConnect = Glibc.connect
#elseif canImport(Musl)
private let systemWrite = Musl.write
private let systemConnect = Musl.connect
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
private let systemConnect = Darwin.connect
#endif
