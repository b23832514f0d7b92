#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads `mon.out` (or any Eliot log) as a stream of messages and warnings, a chunk at a time.
///
/// The reader never loads the input whole and never stops early on bad data: a blank, junk, non-object,
/// invalid or truncated line becomes a ``EventLogEntry/warning(_:)`` carrying the file name and line
/// number, and reading goes on with the next line. Unknown fields are kept, and lines may come in any
/// order (grouping them into trees is ``TaskGrouper``'s job). An I/O error ends the stream with an
/// ``EventLogError/Code-swift.struct/ioError`` warning.
///
/// ```swift
/// for entry in try EventLogReader(path: "mon.out") {
///     switch entry {
///     case .message(let message, let line): ...
///     case .warning(let problem): print(problem)   // mon.out:12: malformed line: ...
///     }
/// }
/// ```
public final class EventLogReader: Sequence, IteratorProtocol {
    /// The name used in warnings.
    public let name: String
    /// The format version declared by a header message, once one has been read.
    public private(set) var formatVersion: Int?
    /// Lines longer than this many bytes are skipped with a ``EventLogError/Code-swift.struct/lineTooLong``
    /// warning, so that a file with no newlines cannot exhaust memory.
    public var maxLineLength = 64 << 20
    /// The longest string value kept, in UTF-8 bytes (0, the default: no limit): a longer one is cut with a visible
    /// `…(+N bytes)` and a ``EventLogError/Code-swift.struct/valueTooLong`` warning.
    public var maxValueBytes: Int {
        get { decoder.maxValueBytes }
        set { decoder.maxValueBytes = Swift.max(0, newValue) }
    }
    /// The number of the last line read.
    public private(set) var lineNumber = 0
    /// The number of bytes read from the input so far.
    public private(set) var bytesRead = 0

    private enum Source {
        /// A file descriptor read until end of file, or until `limit` more bytes are read.
        case file(Int32, closeWhenDone: Bool, limit: Int? = nil)
        case chunks(() -> [UInt8]?)
    }

    private var source: Source
    /// Bytes read before the source (a followed log's lines kept from an earlier read).
    private var prefix: ArraySlice<UInt8> = []
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var atEOF = false
    private var skippingLongLine = false
    private var pending: EventLogEntry?
    /// A read error met while peeking at the head: reported once the lines read before it have been.
    private var deferredProblem: EventLogError?
    var decoder: LineDecoder
    /// When set, the only fields kept in ``EventMessage/fields`` (the fields ``EventMessage`` has properties
    /// for are always read). The values of the others are checked just as strictly, so a damaged line is
    /// reported all the same, but are not stored: reading is faster when only a few fields matter.
    public var keptFields: Set<String>? {
        get { decoder.keptFields?.names }
        set { decoder.keptFields = newValue.map { KeptFields($0.union([EventLogFormat.versionField])) } }
    }
    private static let chunkSize = 1 << 20

    /// Opens the file at `path`.
    ///
    /// - Parameter name: The name used in warnings; the path by default.
    /// - Throws: ``EventLogError`` with code ``EventLogError/Code-swift.struct/ioError`` if the file can't
    ///   be opened (the reason: `no such file`, `is a directory`, `permission denied`, ...).
    public convenience init(path: String, name: String? = nil) throws(EventLogError) {
        let fd: Int32
        do throws(PosixFile.Failure) { fd = try PosixFile.openFile(path) } catch {
            throw EventLogError(code: .ioError, file: name ?? path, line: nil, message: error.message)
        }
        self.init(source: .file(fd, closeWhenDone: true), name: name ?? path)
    }

    /// Reads `prefix`, then the file at `path` from byte `from` up to byte `to` (less if the file is shorter): a
    /// followed log's lines kept from an earlier read, then what was written since (see
    /// ``TaskReader/Input/followed(path:prefix:from:to:)``).
    ///
    /// - Throws: ``EventLogError`` with code ``EventLogError/Code-swift.struct/ioError`` if the file can't be
    ///   opened or positioned.
    public convenience init(prefix: [UInt8], path: String, from: Int, to: Int) throws(EventLogError) {
        let fd: Int32
        do throws(PosixFile.Failure) { fd = try PosixFile.openFile(path) } catch {
            throw EventLogError(code: .ioError, file: path, line: nil, message: error.message)
        }
        guard from >= 0, to >= from, lseek(fd, off_t(from), SEEK_SET) == off_t(from) else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw EventLogError(code: .ioError, file: path, line: nil, message: "cannot read from byte \(from): \(reason)")
        }
        self.init(source: .file(fd, closeWhenDone: true, limit: to - from), name: path)
        self.prefix = prefix[...]
    }

    /// Reads from an open file descriptor, such as standard input (0).
    ///
    /// - Parameters:
    ///   - fileDescriptor: Read until end of file.
    ///   - name: The name used in warnings.
    ///   - closeWhenDone: Whether the reader closes the descriptor at the end or when it is released.
    public convenience init(fileDescriptor: Int32, name: String = "<stdin>", closeWhenDone: Bool = false) {
        self.init(source: .file(fileDescriptor, closeWhenDone: closeWhenDone), name: name)
    }

    /// Reads from any sequence of bytes, pulling it a chunk at a time.
    public convenience init(bytes: some Sequence<UInt8>, name: String = "<bytes>") {
        let chunkSize = Self.chunkSize
        if let array = bytes as? [UInt8] {
            // Bytes already in memory are handed over a chunk at a time, not pulled one by one.
            var offset = 0
            self.init(
                source: .chunks({
                    guard offset < array.count else { return nil }
                    let end = Swift.min(array.count, offset + chunkSize)
                    defer { offset = end }
                    return Array(array[offset..<end])
                }), name: name)
            return
        }
        var iterator = bytes.makeIterator()
        self.init(
            source: .chunks({
                var chunk: [UInt8] = []
                chunk.reserveCapacity(chunkSize)
                while chunk.count < chunkSize, let byte = iterator.next() { chunk.append(byte) }
                return chunk.isEmpty ? nil : chunk
            }), name: name)
    }

    private init(source: Source, name: String) {
        self.source = source
        self.name = name
        self.decoder = LineDecoder(file: name)
        self.buffer = .allocate(byteCount: Self.chunkSize * 2, alignment: 16)
    }

    deinit {
        closeSource()
        buffer.deallocate()
    }

    private func closeSource() {
        if case .file(let fd, true, _) = source {
            close(fd)
            source = .file(-1, closeWhenDone: false)
        }
    }

    /// Reads every entry and splits them into messages and warnings, in input order.
    public func readAll() -> (messages: [(message: EventMessage, line: Int)], warnings: [EventLogError]) {
        var messages: [(message: EventMessage, line: Int)] = []
        var warnings: [EventLogError] = []
        for entry in self {
            switch entry {
            case .message(let message, let line): messages.append((message, line))
            case .warning(let warning): warnings.append(warning)
            }
        }
        return (messages, warnings)
    }

    /// The next message or warning, or `nil` at the end of the input.
    public func next() -> EventLogEntry? {
        if let entry = pending {
            pending = nil
            return entry
        }
        switch nextLine() {
        case .line(let range, let atEndWithoutNewline)?:
            guard until == nil else { return decodeUntil(range, atEndWithoutNewline: atEndWithoutNewline) }
            return decode(range, atEndWithoutNewline: atEndWithoutNewline)
        case .warning(let problem)?: return .warning(problem)
        case nil: return nil
        }
    }

    /// When set, messages stamped later than this (Unix seconds) are skipped, as if the log ended then (untimed
    /// ones are kept): the log as it stood at that moment.
    public var until: Double?

    /// ``next()`` with ``until`` set: decodes lines until one is not a message stamped after it. Out of line, so
    /// that reading the whole log pays nothing for it.
    @inline(never)
    private func decodeUntil(_ range: Range<Int>, atEndWithoutNewline: Bool) -> EventLogEntry? {
        let until = until ?? .infinity
        var line = (range, atEndWithoutNewline)
        while true {
            let entry = decode(line.0, atEndWithoutNewline: line.1)
            // A message with a warning comes as the warning, then the message: both go when it is too late.
            let message: EventMessage? =
                switch (entry, pending) {
                case (.message(let message, _), _), (.warning, .message(let message, _)?): message
                default: nil
                }
            guard let time = message?.timestamp, time > until else { return entry }
            pending = nil
            switch nextLine() {
            case .line(let range, let atEndWithoutNewline)?: line = (range, atEndWithoutNewline)
            case .warning(let problem)?: return .warning(problem)
            case nil: return nil
            }
        }
    }

    /// One undecoded line of the buffer (without its `\n`), or a warning about the input itself.
    enum RawLine {
        /// A line's place in the buffer (see ``bytes(_:)``), and whether the input ended without a newline.
        case line(Range<Int>, atEndWithoutNewline: Bool)
        /// A line too long to read, or a read error (which ends the input).
        case warning(EventLogError)
    }

    /// The next line's place in the buffer (valid until the next call), a too-long line's or a read error's
    /// warning, or `nil` at the end of the input, for a caller in this module that decodes lines itself (such
    /// as ``BriefTaskGrouper``). ``lineNumber`` is the line's number.
    func nextLine() -> RawLine? {
        while true {
            let available = end - start
            if available > 0, let found = memchr(buffer.baseAddress! + start, 0x0A, available) {
                let newline = buffer.baseAddress!.distance(to: found)
                let lineStart = start
                start = newline + 1
                lineNumber += 1
                if skippingLongLine {
                    skippingLongLine = false
                    return .warning(tooLong())
                }
                return .line(lineStart..<newline, atEndWithoutNewline: false)
            }
            if atEOF {
                guard start < end else {
                    if skippingLongLine {
                        skippingLongLine = false
                        lineNumber += 1
                        return .warning(tooLong())
                    }
                    if let problem = deferredProblem {
                        deferredProblem = nil
                        return .warning(problem)
                    }
                    return nil
                }
                let range = start..<end
                start = end
                lineNumber += 1
                if skippingLongLine {
                    skippingLongLine = false
                    return .warning(tooLong())
                }
                return .line(range, atEndWithoutNewline: true)
            }
            if let problem = fill() { return .warning(problem) }
        }
    }

    /// The first `limit` bytes not read yet (fewer at the end of the input), without reading past them: a look
    /// at the head of the same stream (a pipe can be read only once), to tell its format.
    public func peek(_ limit: Int) -> [UInt8] {
        while end - start < limit, !atEOF, !skippingLongLine {
            if let problem = fill() { deferredProblem = problem }
        }
        let count = Swift.min(limit, end - start)
        return Array(UnsafeRawBufferPointer(rebasing: buffer[start..<start + count]))
    }

    /// Everything not read yet, whole (for an input in another format, handed over to its own reader); a read
    /// error ends it early and is returned with what was read.
    public func readToEnd() -> (bytes: [UInt8], problem: EventLogError?) {
        var all: [UInt8] = []
        var problem = deferredProblem
        deferredProblem = nil
        while true {
            all.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
            start = 0
            end = 0
            if atEOF { break }
            if let failure = fill() { problem = failure }
        }
        return (all, problem)
    }

    /// The bytes of a range of the buffer, as returned by ``nextLine()``.
    func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(
            start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + range.lowerBound, count: range.count)
    }

    private func tooLong() -> EventLogError {
        EventLogError(
            code: .lineTooLong, file: name, line: lineNumber, message: "longer than \(maxLineLength) bytes; skipped (--max-line-bytes raises the limit)")
    }

    private func decode(_ range: Range<Int>, atEndWithoutNewline: Bool) -> EventLogEntry {
        switch decoder.decode(bytes(range), line: lineNumber, atEndWithoutNewline: atEndWithoutNewline) {
        case .failure(let problem):
            return .warning(problem)
        case .message(let message, let warning):
            if message.messageType == EventLogFormat.headerMessageType,
                let version = EventLogFormat.version(ofHeader: message)
            {
                formatVersion = version
            }
            if let warning {
                pending = .message(message, line: lineNumber)
                return .warning(warning)
            }
            return .message(message, line: lineNumber)
        }
    }

    /// Makes room and reads more input; returns a warning if reading failed (which also ends the input).
    private func fill() -> EventLogError? {
        if start > 0 {
            let remaining = end - start
            if remaining > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: remaining) }
            start = 0
            end = remaining
        }
        if buffer.count - end < Self.chunkSize {
            if end >= maxLineLength {
                // The current line is too long: drop what we have and skip to the next newline.
                skippingLongLine = true
                start = 0
                end = 0
            } else {
                let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
                grown.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
                buffer.deallocate()
                buffer = grown
            }
        }
        if !prefix.isEmpty {
            // Room was made above (a chunk at least): the prefix goes in a chunk at a time.
            let take = Swift.min(prefix.count, buffer.count - end)
            prefix.prefix(take).withUnsafeBytes {
                (buffer.baseAddress! + end).copyMemory(from: $0.baseAddress!, byteCount: take)
            }
            prefix = prefix.dropFirst(take)
            end += take
            bytesRead += take
            return nil
        }
        switch source {
        case .file(let fd, let closeWhenDone, let limit):
            while true {
                let n = limit == 0 ? 0 : read(fd, buffer.baseAddress! + end, Swift.min(buffer.count - end, limit ?? .max))
                if n > 0 {
                    end += n
                    bytesRead += n
                    if let limit { source = .file(fd, closeWhenDone: closeWhenDone, limit: limit - n) }
                    return nil
                }
                if n == 0 {
                    atEOF = true
                    closeSource()
                    return nil
                }
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                atEOF = true
                closeSource()
                return EventLogError(code: .ioError, file: name, line: nil, message: "read failed: \(reason)")
            }
        case .chunks(let pull):
            guard let chunk = pull() else {
                atEOF = true
                return nil
            }
            if buffer.count - end < chunk.count {
                let grown = UnsafeMutableRawBufferPointer.allocate(
                    byteCount: Swift.max(buffer.count * 2, end + chunk.count), alignment: 16)
                grown.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
                buffer.deallocate()
                buffer = grown
            }
            chunk.withUnsafeBytes { (buffer.baseAddress! + end).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            end += chunk.count
            bytesRead += chunk.count
            return nil
        }
    }
}

@available(*, unavailable)
extension EventLogReader: Sendable {}  // owns a buffer and a file position; use from one thread
