#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes an output (`-o PATH`) as a careful Unix tool does; the one writer of every output format.
///
/// - A regular file, or a path where nothing is, is replaced whole or not at all: a new file is filled beside
///   it, synced and renamed over it. The replacement keeps the old file's mode and owner; a new file gets the
///   mode the umask gives.
/// - A symlink is followed to its target, which is replaced the same way (the link stays a link).
/// - A device, FIFO or socket is written to in place, never replaced.
/// - On any failure the error names the path given, and a previous file is left as it was; the temporary file
///   is removed, on SIGINT, SIGTERM and SIGHUP too (see ``TemporaryFiles``).
package enum OutputFile {
    /// Writes `bytes` to `path`.
    package static func write(_ bytes: some Collection<UInt8>, to path: String) throws(OutputFileError) {
        let contiguous = bytes.withContiguousStorageIfAvailable { _ in true } ?? false
        let array = contiguous ? [] : Array(bytes)
        try write(to: path, with: { fd in
            bytes.withContiguousStorageIfAvailable { PosixFile.writeAll($0, to: fd) }
                ?? array.withUnsafeBufferPointer { PosixFile.writeAll($0, to: fd) }
        })
    }

    /// Writes `path` with the pieces `produce` hands to the writer it is given, as they are made: an output made
    /// piece by piece (an export of a hundred thousand chains) is never held whole. After a failure to write, the
    /// pieces that follow are dropped and the failure is thrown when `produce` returns.
    package static func write(to path: String, pieces produce: (_ put: ([UInt8]) -> Void) -> Void)
        throws(OutputFileError)
    {
        do {
            try write(to: path, failablePieces: produce)
        } catch let error as OutputFileError {
            throw error
        } catch {
            throw OutputFileError(path: path, message: "\(error)")
        }
    }

    /// As ``write(to:pieces:)``, for a producer that may fail (an input read as it is written turns out to hold
    /// nothing selected): then a previous file is left as it was, nothing new is left behind, and what `produce`
    /// threw is thrown. (A device or FIFO keeps what it was given.)
    ///
    /// - Throws: ``OutputFileError``, or what `produce` throws (unchanged).
    package static func write(to path: String, failablePieces produce: (_ put: ([UInt8]) -> Void) throws -> Void)
        throws
    {
        var thrown: (any Error)?
        do {
            try write(to: path, with: { fd in
                var failure: Int32 = 0
                do {
                    try produce { piece in
                        guard failure == 0 else { return }
                        failure = piece.withUnsafeBufferPointer { PosixFile.writeAll($0, to: fd) }
                    }
                } catch {
                    thrown = error
                    return ECANCELED
                }
                return failure
            })
        } catch {
            throw thrown ?? error
        }
    }

    /// Writes `path` with `put`, which writes the whole output to the descriptor it is given and returns 0 or the
    /// `errno` of its failure.
    private static func write(to path: String, with put: (Int32) -> Int32) throws(OutputFileError) {
        do {
            switch try target(of: path) {
            case .replace(let file, let existing):
                try replace(file, existing: existing, given: path) { temporary in
                    try fill(temporary, given: path, with: put)
                }
            case .inPlace(let file):
                let fd = try openInPlace(file, given: path)
                try finish(fd, after: put(fd), given: path)
            }
        } catch let error as OutputFileError {
            throw error
        } catch {
            throw OutputFileError(path: path, message: "\(error)")
        }
    }

    /// Writes `path` with `fill`, which writes a whole file at the path it is given (a library that takes a file
    /// name, as Cairo does). For a device, FIFO or socket, that file is made in the temporary folder and then
    /// copied to it.
    ///
    /// - Throws: ``OutputFileError``, or what `fill` throws (unchanged); either way nothing is left behind.
    package static func write(to path: String, _ fill: (_ temporaryPath: String) throws -> Void) throws {
        switch try target(of: path) {
        case .replace(let file, let existing):
            try replace(file, existing: existing, given: path, fill)
        case .inPlace(let file):
            let folder = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            let (temporary, slot): (String, Int?)
            do throws(OutputFileError) {
                (temporary, slot) = try makeTemporary(in: folder.hasSuffix("/") ? folder : folder + "/", name: "reactortrack")
            } catch {
                throw OutputFileError(path: path, message: "a temporary file in \(folder): \(error.message)")
            }
            defer {
                unlink(temporary)
                TemporaryFiles.unregister(slot)
            }
            try fill(temporary)
            try copy(temporary, toInPlace: file, given: path)
        }
    }

    /// Where and how a path is written.
    private enum Target {
        /// Replace the regular file (or create the file) at this path; `existing` is the old file's status.
        case replace(String, existing: stat?)
        /// Write into the device, FIFO or socket at this path.
        case inPlace(String)
    }

    /// What `path` names once symlinks are followed.
    private static func target(of path: String) throws(OutputFileError) -> Target {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0 else {
                guard errno == ENOENT else { throw OutputFileError(path: path, message: PosixFile.describe(errno)) }
                return .replace(current, existing: nil)
            }
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let count = readlink(current, &buffer, buffer.count - 1)
                guard count >= 0 else { throw OutputFileError(path: path, message: PosixFile.describe(errno)) }
                let link = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                current = link.hasPrefix("/") ? link : folder(of: current) + link
            case S_IFREG: return .replace(current, existing: info)
            case S_IFDIR: throw OutputFileError(path: path, message: "is a directory")
            default: return .inPlace(current)
            }
        }
        throw OutputFileError(path: path, message: "too many symbolic links")
    }

    /// The folder part of `path`, with its slash (empty for a bare name).
    private static func folder(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
    }

    /// A new private, empty file `folder.name.XXXXXX`, registered for removal on a signal (see
    /// ``TemporaryFiles/make(_:)``): its path and its slot.
    private static func makeTemporary(in folder: String, name: String) throws(OutputFileError) -> (String, Int?) {
        let made = try TemporaryFiles.make { () throws(OutputFileError) in
            var template = Array("\(folder).\(name).XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { throw OutputFileError(path: folder, message: PosixFile.describe(errno)) }
            return (template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }, fd)
        }
        close(made.fd)
        return (made.path, made.slot)
    }

    /// Replaces `file` (the target of `given`): `fill` writes a new file beside it, which is given the old
    /// file's mode and owner (or the umask's mode), synced, and renamed over it.
    private static func replace(
        _ file: String, existing: stat?, given: String, _ fill: (_ temporaryPath: String) throws -> Void
    ) throws {
        let slash = file.lastIndex(of: "/")
        let name = slash.map { String(file[file.index(after: $0)...]) } ?? file
        let (temporary, slot): (String, Int?)
        do throws(OutputFileError) {
            (temporary, slot) = try makeTemporary(in: folder(of: file), name: name)
        } catch {
            throw OutputFileError(path: given, message: error.message)
        }
        var done = false
        defer {
            if !done { unlink(temporary) }
            TemporaryFiles.unregister(slot)
        }
        try fill(temporary)
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw OutputFileError(path: given, message: PosixFile.describe(errno)) }
        var mode: mode_t
        if let existing {
            mode = existing.st_mode & 0o7777
            // Root keeps the owner; anyone else gets the file as theirs, without set-id bits that were not.
            if fchown(fd, existing.st_uid, existing.st_gid) != 0 { mode &= 0o777 }
        } else {
            let mask = umask(0)
            umask(mask)
            mode = 0o666 & ~mask
        }
        let failure = fchmod(fd, mode) != 0 ? errno : fsync(fd) != 0 ? errno : 0
        close(fd)
        if failure != 0 { throw OutputFileError(path: given, message: PosixFile.describe(failure)) }
        guard rename(temporary, file) == 0 else { throw OutputFileError(path: given, message: PosixFile.describe(errno)) }
        done = true
        // The rename itself reaches the disk with the folder.
        let folderFD = open(folder(of: file).isEmpty ? "." : folder(of: file), O_RDONLY | O_CLOEXEC)
        if folderFD >= 0 {
            fsync(folderFD)
            close(folderFD)
        }
    }

    /// Opens `temporary` and writes it with `put` (which returns 0 or an `errno`).
    private static func fill(_ temporary: String, given: String, with put: (Int32) -> Int32) throws(OutputFileError) {
        var fd: Int32
        repeat { fd = open(temporary, O_WRONLY | O_TRUNC | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw OutputFileError(path: given, message: PosixFile.describe(errno)) }
        try finish(fd, after: put(fd), given: given)
    }

    /// Closes `fd`, which was written with `failure` (0 or an `errno`): throws that failure, or the close's.
    private static func finish(_ fd: Int32, after failure: Int32, given: String) throws(OutputFileError) {
        let closed = close(fd) == 0 ? 0 : errno
        if failure != 0 || closed != 0 {
            throw OutputFileError(path: given, message: PosixFile.describe(failure != 0 ? failure : closed))
        }
    }

    /// Opens the device or FIFO `file` for writing, or connects to the socket, without creating or truncating.
    private static func openInPlace(_ file: String, given: String) throws(OutputFileError) -> Int32 {
        var fd: Int32
        repeat { fd = open(file, O_WRONLY | O_CLOEXEC | O_NOCTTY) } while fd < 0 && errno == EINTR
        if fd < 0 && errno == ENXIO { fd = PosixFile.connect(toSocket: file) }
        guard fd >= 0 else { throw OutputFileError(path: given, message: PosixFile.describe(errno)) }
        return fd
    }

    /// Copies the file at `temporary` into the device, FIFO or socket `file`.
    private static func copy(_ temporary: String, toInPlace file: String, given: String) throws(OutputFileError) {
        let source = open(temporary, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { throw OutputFileError(path: given, message: PosixFile.describe(errno)) }
        defer { close(source) }
        let fd = try openInPlace(file, given: given)
        var failure: Int32 = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while failure == 0 {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { failure = errno }
            if count <= 0 { break }
            failure = buffer.withUnsafeBufferPointer { PosixFile.writeAll(.init(rebasing: $0[..<count]), to: fd) }
        }
        try finish(fd, after: failure, given: given)
    }
}
