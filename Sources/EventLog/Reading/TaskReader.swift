/// Reads one or more inputs as one log, end to end: every input is opened once, first (so one that cannot be
/// opened fails before anything is handed out); its format is told from the head of the same stream (a pipe
/// or standard input is never read twice); its lines are decoded and grouped into tasks, merged across the
/// inputs so that a task continued in another file joins up. Several Eliot inputs are read merged in time order,
/// as if their writers had shared one file (see `TaskReader+Merge.swift`), so a task is whole when it completes.
///
/// Tasks are handed out as they complete when ``streaming`` (then memory holds only the open ones), the rest
/// at the end, each with its ordinal (its place in order of first message). With ``brief`` set, tasks of the
/// plainest shape come as ``BriefTask``s, without their trees (see ``BriefTaskGrouper``). An input in the
/// original Reactor Track format is not Eliot: its bytes are handed back whole in ``Result/foreignInputs``.
///
/// Damaged lines and structural problems become warnings naming file and line. An input that cannot be
/// read, holds nothing, or holds no usable line at all is an ``EventLogError`` (``EventLogError/Code-swift.struct/ioError``,
/// ``EventLogError/Code-swift.struct/emptyInput``, ``EventLogError/Code-swift.struct/unknownFormat``).
public struct TaskReader {
    /// An input: a file (`-` is standard input), or bytes already in memory.
    public enum Input: Sendable, Hashable {
        /// A path; `-` reads standard input.
        case path(String)
        /// Bytes, with the name used in warnings.
        case bytes([UInt8], name: String)
        /// A followed log: `prefix` (lines kept from an earlier read), then the file at `path` from byte `from` up
        /// to byte `to`.
        case followed(path: String, prefix: [UInt8], from: Int, to: Int)

        /// The name used in warnings (`-` is `<stdin>`).
        public var name: String {
            switch self {
            case .path(let path): path == "-" ? "<stdin>" : path
            case .bytes(_, let name): name
            case .followed(let path, _, _, _): path
            }
        }
    }

    /// A task handed out.
    public enum Handout {
        /// A task as a tree, with its ordinal, and whether it comes after every input was read (not handed out
        /// as it completed: still open, or not streaming).
        case task(WrittenTask, ordinal: Int, atEnd: Bool)
        /// A task of the plainest shape, without its tree (only with ``TaskReader/brief``).
        case brief(BriefTask)
    }

    /// What was read besides the tasks.
    public struct Result {
        /// Each input's format, in order.
        public var formats: [InputFormat] = []
        /// Every warning: each input's line warnings, then the task-wide ones (with file and line).
        public var warnings: [EventLogError] = []
        /// Eliot messages read.
        public var messageCount = 0
        /// Bytes read over all inputs.
        public var byteCount = 0
        /// The inputs in the original Reactor Track format, whole: their names and bytes, in order.
        public var foreignInputs: [(name: String, bytes: [UInt8])] = []
        /// One more than the largest ordinal handed out.
        public var ordinalCount = 0
        /// The latest timestamp of any Eliot message read, a chain's or not (the format header's too).
        public var latestTimestamp: Double?
    }

    /// Whether each task is handed out as soon as it is complete (else all at the end).
    public var streaming: Bool
    /// When set, the only Eliot fields kept besides the standard ones (see ``EventLogReader/keptFields``).
    public var keptFields: Set<String>?
    /// When set, plain tasks of this root type come as ``Handout/brief(_:)`` with these fields kept (see
    /// ``BriefTaskGrouper``); implies ``streaming``.
    public var brief: (fields: [String], rootType: String)?
    /// Called now and then with the number of lines read so far.
    public var progress: ((Int) -> Void)?
    /// The longest line read, in bytes (see ``EventLogReader/maxLineLength``).
    public var maxLineBytes = 64 << 20
    /// The longest string value kept, in bytes, 0 for no limit (see ``EventLogReader/maxValueBytes``).
    public var maxValueBytes = 64 << 10
    /// Called with every message as it is read (not with ``brief`` tasks' messages), and its input's name: for a
    /// reader that needs to know what is coming before the task it is in completes.
    public var onMessage: ((EventMessage, String) -> Void)?
    /// Called with each task still open at the end, before it is handed out: its ordinal, and the lines of all
    /// its messages (a followed log keeps them for its next read).
    package var onUnfinished: ((_ ordinal: Int, _ lines: [Int]) -> Void)?
    /// When set, messages stamped later than this (Unix seconds) are left out, as if the log ended then: the log
    /// as it stood at that moment (`top`'s rewind). Untimed messages are kept. Not with ``brief``.
    public var until: Double?

    /// Whether a ``brief`` read decodes lines on a second thread while this one groups them (see
    /// `TaskReader+Pipeline`): by default with more than one processor. What is read is the same either way.
    public var readsAhead = TaskReader.readsOnTwoThreads

    /// How much of an input's head is looked at to tell its format.
    static let headLength = 1 << 16

    /// Creates a reader.
    public init(streaming: Bool, keptFields: Set<String>? = nil, progress: ((Int) -> Void)? = nil) {
        self.streaming = streaming
        self.keptFields = keptFields
        self.progress = progress
    }

    /// Reads every input, handing each task to `handle` with the map from merged line numbers to each input's
    /// file and line.
    public func read(_ inputs: [Input], _ handle: (Handout, LineMap) -> Void) throws(EventLogError) -> Result {
        let firstName = inputs.first?.name ?? "<input>"
        var grouper = TaskGrouper(file: firstName, handsOutCompletedTasks: streaming)
        let readers = try inputs.map(Self.open)
        let heads = readers.map { $0.peek(Self.headLength) }
        let formats = heads.map { InputFormat.detect($0) ?? .eliot }
        // Several Eliot inputs are read merged in time order (see `TaskReader+Merge`), each message parsed.
        let merging = formats.filter { $0 == .eliot }.count > 1
        var merged: [MergedInput] = []
        var briefGrouper =
            merging || until != nil
            ? nil
            : brief.map {
                BriefTaskGrouper(file: firstName, fields: $0.fields, keptFields: keptFields, rootType: $0.rootType)
            }
        var result = Result()
        var map = LineMap()
        var offset = 0
        for (k, (input, reader)) in zip(inputs, readers).enumerated() {
            let name = input.name
            let head = heads[k]
            let format = formats[k]
            result.formats.append(format)
            if format == .reactorTrack {
                let (bytes, problem) = reader.readToEnd()
                if let problem { throw problem }
                result.byteCount += reader.bytesRead
                result.foreignInputs.append((name, bytes))
                continue
            }
            reader.keptFields = keptFields
            reader.until = until
            reader.maxLineLength = maxLineBytes
            reader.maxValueBytes = maxValueBytes
            if merging {
                map.add(name: name, offset: merged.count << Self.lineBits)
                merged.append(MergedInput(name: name, head: head, reader: reader))
                continue
            }
            map.add(name: name, offset: offset)
            var messages = 0
            var warnings: [EventLogError] = []
            func note(_ handout: Handout, ordinal: Int) {
                result.ordinalCount = max(result.ordinalCount, ordinal + 1)
                handle(handout, map)
            }
            func counted(_ line: Int) {
                messages += 1
                if messages % 50_000 == 0 { progress?(offset + line) }
            }
            // A brief grouper's line, on either path: its task handed out if it completed one, and counted.
            func added(_ added: BriefTaskGrouper.Added, line: Int) {
                switch added {
                case .notAMessage: return
                case .message: break
                case .handout(.brief(let task)): note(.brief(task), ordinal: task.ordinal)
                case .handout(.built(let ordinal, let task)):
                    note(.task(task, ordinal: ordinal, atEnd: false), ordinal: ordinal)
                }
                counted(line)
            }
            var latest: Double?
            if briefGrouper != nil {
                briefGrouper!.latestTimestamp = nil
                defer { latest = briefGrouper!.latestTimestamp }
                if readsAhead {
                    try Self.readPiped(reader, into: &briefGrouper!, offset: offset, warnings: &warnings, added)
                } else {
                    while let raw = reader.nextLine() {
                        switch raw {
                        case .warning(let warning):
                            if warning.code == .ioError { throw warning }
                            warnings.append(warning)
                        case .line(let range, let atEndWithoutNewline):
                            let line = reader.lineNumber
                            let outcome = briefGrouper!.add(
                                reader.bytes(range), line: offset + line, localLine: line,
                                atEndWithoutNewline: atEndWithoutNewline, decoder: reader, readerWarnings: &warnings)
                            added(outcome, line: line)
                        }
                    }
                }
            } else {
                for entry in reader {
                    switch consume entry {
                    case .message(let message, let line):
                        onMessage?(message, name)
                        if let time = message.timestamp, time > latest ?? -.infinity { latest = time }
                        if let (ordinal, task) = grouper.add(message, line: offset + line) {
                            note(.task(task, ordinal: ordinal, atEnd: false), ordinal: ordinal)
                        }
                        counted(reader.lineNumber)
                    case .warning(let warning):
                        if warning.code == .ioError { throw warning }
                        warnings.append(warning)
                    }
                }
            }
            if messages == 0 { throw Self.noContent(head, name: name, problems: warnings, size: reader.bytesRead) }
            map.noteLatest(latest, in: name)
            result.messageCount += messages
            result.warnings += warnings
            result.byteCount += reader.bytesRead
            offset += reader.lineNumber
        }
        if merging {
            for k in merged.indices { try Self.advance(&merged[k], onMessage: onMessage) }
            var count = 0
            while let k = Self.earliest(merged), let (message, line) = merged[k].next {
                merged[k].next = nil
                if let (ordinal, task) = grouper.add(message, line: (k << Self.lineBits) + line) {
                    result.ordinalCount = max(result.ordinalCount, ordinal + 1)
                    handle(.task(task, ordinal: ordinal, atEnd: false), map)
                }
                count += 1
                if count % 50_000 == 0 { progress?(count) }
                try Self.advance(&merged[k], onMessage: onMessage)
            }
            for input in merged {
                if input.messages == 0 {
                    throw Self.noContent(
                        input.head, name: input.name, problems: input.warnings, size: input.reader.bytesRead)
                }
                map.noteLatest(input.latest, in: input.name)
                result.messageCount += input.messages
                result.warnings += input.warnings
                result.byteCount += input.reader.bytesRead
            }
        }
        // The tasks still open, one tree at a time: each is built, its warnings noted, handed out and let go.
        var unfinished: [EventLogError] = []
        func handOut(_ ordinal: Int, _ task: WrittenTask, _ lines: [Int]) {
            onUnfinished?(ordinal, lines)
            unfinished += TaskWarnings.unfinished(in: task, map: map)
            result.ordinalCount = max(result.ordinalCount, ordinal + 1)
            handle(.task(task, ordinal: ordinal, atEnd: true), map)
        }
        if briefGrouper != nil { briefGrouper!.finishEach(handOut) } else { grouper.finishEach(handOut) }
        result.warnings += TaskWarnings.locate(briefGrouper?.warnings ?? grouper.warnings, map: map) + unfinished
        result.latestTimestamp = map.latestTimestamps.values.max()
        return result
    }

    /// Opens an input once; standard input is read as it comes.
    private static func open(_ input: Input) throws(EventLogError) -> EventLogReader {
        switch input {
        case .path("-"): return EventLogReader(fileDescriptor: 0, name: input.name)
        case .path(let path): return try EventLogReader(path: path, name: input.name)
        case .bytes(let bytes, let name): return EventLogReader(bytes: bytes, name: name)
        case .followed(let path, let prefix, let from, let to):
            return try EventLogReader(prefix: prefix, path: path, from: from, to: to)
        }
    }

    /// The error for an input without a single usable message: empty, or of an unknown format.
    private static func noContent(_ head: [UInt8], name: String, problems: [EventLogError], size: Int)
        -> EventLogError
    {
        let blank = head.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if blank && size <= head.count {
            return EventLogError(code: .emptyInput, file: name, line: nil, message: "no messages")
        }
        let first = problems.first.map { " (line \($0.line ?? 1): \($0.message))" } ?? ""
        return EventLogError(
            code: .unknownFormat, file: name, line: nil,
            message: "no line is an Eliot message or a Reactor Track record\(first)")
    }
}
