import EventLog

/// Reads one or more inputs (files, or `-` for standard input) into a ``TrackedLog``.
///
/// Each input's format is detected (Eliot or the original Reactor Track); Eliot inputs are merged into one
/// set of task trees, as `cat a b | eliot-tree` does, so a task continued in another file joins up. Damaged
/// lines become warnings naming file and line; an input that cannot be read, holds nothing, or holds no
/// usable line at all is a ``ReportError``.
public struct LogLoader {
    /// Called now and then with the number of lines read so far.
    public var progress: ((Int) -> Void)?
    /// Standard input's bytes, for tests; `nil` reads the real standard input.
    public var standardInput: [UInt8]?
    /// When set, the only Eliot fields kept besides the standard ones (see ``EventLog/EventLogReader/keptFields``):
    /// faster, for a caller that needs only some of what a ``Chain`` holds, such as
    /// ``SummaryAccumulator/fieldsUsed``.
    public var keptFields: Set<String>?

    /// Creates a loader.
    public init(progress: ((Int) -> Void)? = nil, standardInput: [UInt8]? = nil) {
        self.progress = progress
        self.standardInput = standardInput
    }

    /// The display name of an input path (`-` is `<stdin>`).
    public static func displayName(_ path: String) -> String { path == "-" ? "<stdin>" : path }

    /// Reads every input.
    ///
    /// - Throws: ``ReportError`` with code `unreadable`, `emptyLog` or `unknownFormat`.
    public func load(_ paths: [String]) throws(ReportError) -> TrackedLog {
        var chains: [Chain] = []
        var log = try read(paths, streaming: false) { chain, _ in chains.append(chain) }
        log.chains = chains
        return log
    }

    /// Reads every input, handing each chain to `handle` as soon as its task is complete, then forgetting it.
    ///
    /// Memory holds only the tasks still open, so a log of any size can be read. Tasks are complete as
    /// eliot.parse and eliot-tree decide: the root action ended with no message missing, or a lone message. So a
    /// message arriving for a task already handed out starts a new task (with a warning that its start is
    /// missing) instead of joining it, as in `load`. Chains whose tasks are still open at the end, and chains
    /// of the original Reactor Track format, come last, in order of their first message, after the same
    /// adjustment as in ``load(_:)``.
    ///
    /// - Parameter handle: Called with each chain and its ordinal: its place in order of first message, which
    ///   is the order ``load(_:)`` returns (ordinals may skip numbers, never repeat).
    /// - Returns: The log without its chains: warnings (all of them, once every input is read), inputs,
    ///   formats and counts.
    /// - Throws: ``ReportError`` with code `unreadable`, `emptyLog` or `unknownFormat`; inputs that cannot
    ///   be opened are found before any chain is handed out.
    public func stream(_ paths: [String], _ handle: (_ chain: Chain, _ ordinal: Int) -> Void) throws(ReportError)
        -> TrackedLog
    {
        try read(paths, streaming: true, handle)
    }

    /// Reads every input as ``stream(_:_:)`` does and adds the chains that `selection` admits to a summary of
    /// `top` slowest, without building the chains of most tasks: the summary and the log are exactly those of
    /// ``stream(_:_:)`` with ``SummaryAccumulator/fieldsUsed`` kept and each admitted chain added.
    ///
    /// - Parameter keepsTasks: Whether the summary lists every task's ``TaskFacts`` (then every chain is built).
    /// - Precondition: The selection does not need the whole log (`--slowest`).
    /// - Returns: The log without its chains, and the summary's accumulator (its ``SummaryAccumulator/chainCount``
    ///   is the number of chains selected).
    /// - Throws: As ``stream(_:_:)``.
    public func summarize(_ paths: [String], selection: ChainSelection, top: Int, keepsTasks: Bool = false)
        throws(ReportError) -> (log: TrackedLog, accumulator: SummaryAccumulator)
    {
        precondition(!selection.needsWholeLog)
        var accumulator = SummaryAccumulator(top: top)
        accumulator.keepsTasks = keepsTasks
        var loader = self
        // Every task's facts need the exception texts and the whole tree: then each chain is built.
        if !keepsTasks { loader.keptFields = SummaryAccumulator.fieldsUsed }
        let brief: ((ChainFigures, Int) -> Void)? = { figures, ordinal in
            if selection.admits(figures) { accumulator.add(figures, ordinal: ordinal) }
        }
        let log = try loader.read(
            paths, streaming: true,
            { chain, ordinal in
                if selection.admits(chain) { accumulator.add(chain, ordinal: ordinal) }
            },
            brief: keepsTasks ? nil : brief)
        return (log, accumulator)
    }

    private func read(
        _ paths: [String], streaming: Bool, _ handle: (Chain, Int) -> Void,
        brief handleBrief: ((ChainFigures, Int) -> Void)? = nil
    ) throws(ReportError) -> TrackedLog {
        let firstName = paths.first.map(Self.displayName) ?? "<input>"
        var grouper = TaskGrouper(file: firstName, handsOutCompletedTasks: streaming)
        // Summaries take the short way: most tasks are folded in without building their tree or chain.
        var briefGrouper = handleBrief.map { _ in
            BriefTaskGrouper(
                file: firstName, fields: ChainFigures.briefFields, keptFields: keptFields,
                rootType: MonitorVocabulary.deferredAction)
        }
        var map = LineMap()
        var offset = 0
        var warnings: [EventLogError] = []
        var legacyChains: [Chain] = []
        var formats: [InputFormat] = []
        var messages = 0
        var bytes = 0
        var linesSoFar = 0
        var ordinals = 0
        // The latest end of any chain, per file: chains still open at the end are drawn up to it.
        var fileEnd: [String: Double] = [:]
        func noteEnd(_ chain: Chain) {
            if let end = chain.end { fileEnd[chain.file] = max(fileEnd[chain.file] ?? end, end) }
        }
        // Every input is opened first, so that one that cannot be read fails before any chain is handed out.
        var inputs: [(path: String, name: String, head: [UInt8], size: Int, whole: [UInt8]?)] = []
        for path in paths {
            let name = Self.displayName(path)
            let (head, size, wholeInput) = try open(path, name: name)
            inputs.append((path, name, head, size, wholeInput))
        }
        for (path, name, head, size, wholeInput) in inputs {
            bytes += size
            let format = InputFormat.detect(head) ?? .eliot
            formats.append(format)
            if format == .reactorTrack {
                let all: [UInt8]
                if let wholeInput { all = wholeInput } else { all = try readAll(path, name: name) }
                let (chains, problems, records) = ReactorTrackLogReader.read(all, file: name)
                if chains.isEmpty { throw noContent(all, name: name, problems: problems) }
                legacyChains += chains
                warnings += problems
                messages += records
                continue
            }
            let reader: EventLogReader
            if let wholeInput {
                reader = EventLogReader(bytes: wholeInput, name: name)
            } else {
                do { reader = try EventLogReader(path: path, name: name) } catch {
                    throw ReportError(code: .unreadable, message: error.message, file: name)
                }
            }
            reader.keptFields = keptFields
            map.add(name: name, offset: offset)
            let locate = { (line: Int?) in map.locate(line) }
            var fileMessages = 0
            var fileWarnings: [EventLogError] = []
            if briefGrouper != nil, let handleBrief {
                while let raw = reader.nextLine() {
                    switch raw {
                    case .warning(let warning):
                        if warning.code == .ioError {
                            throw ReportError(code: .unreadable, message: warning.message, file: name)
                        }
                        fileWarnings.append(warning)
                    case .line(let range, let atEndWithoutNewline):
                        let line = reader.lineNumber
                        let (isMessage, handout) = briefGrouper!.add(
                            reader.bytes(range), line: offset + line, localLine: line,
                            atEndWithoutNewline: atEndWithoutNewline, decoder: reader, readerWarnings: &fileWarnings)
                        switch handout {
                        case .brief(let task)?:
                            ordinals = max(ordinals, task.ordinal + 1)
                            if let figures = ChainFigures(brief: task, locate: locate) {
                                if let end = figures.end { fileEnd[figures.file] = max(fileEnd[figures.file] ?? end, end) }
                                handleBrief(figures, task.ordinal)
                            }
                        case .built(let ordinal, let task)?:
                            ordinals = max(ordinals, ordinal + 1)
                            if let chain = ChainBuilder.chain(from: task, locate: locate) {
                                noteEnd(chain)
                                handle(chain, ordinal)
                            }
                        case nil:
                            break
                        }
                        if isMessage {
                            fileMessages += 1
                            if fileMessages % 50_000 == 0 { progress?(linesSoFar + line) }
                        }
                    }
                }
            } else {
                for entry in reader {
                    switch entry {
                    case .message(let message, let line):
                        if let (ordinal, task) = grouper.add(message, line: offset + line) {
                            ordinals = max(ordinals, ordinal + 1)
                            if let chain = ChainBuilder.chain(from: task, locate: locate) {
                                noteEnd(chain)
                                handle(chain, ordinal)
                            }
                        }
                        fileMessages += 1
                        if fileMessages % 50_000 == 0 { progress?(linesSoFar + line) }
                    case .warning(let warning):
                        if warning.code == .ioError {
                            throw ReportError(code: .unreadable, message: warning.message, file: name)
                        }
                        fileWarnings.append(warning)
                    }
                }
            }
            if fileMessages == 0 {
                throw noContent(wholeInput ?? head, name: name, problems: fileWarnings, size: size)
            }
            messages += fileMessages
            warnings += fileWarnings
            offset += reader.lineNumber
            linesSoFar += reader.lineNumber
        }
        let rest = briefGrouper != nil ? briefGrouper!.finishNumbered() : grouper.finishNumbered()
        let locate = { (line: Int?) in map.locate(line) }
        let taskWarnings = TaskWarnings.locate(
            briefGrouper?.warnings ?? grouper.warnings, tasks: rest.map(\.task), map: map)
        var chains: [(chain: Chain, ordinal: Int)] = []
        for (ordinal, task) in rest {
            ordinals = max(ordinals, ordinal + 1)
            if let chain = ChainBuilder.chain(from: task, locate: locate) { chains.append((chain, ordinal)) }
        }
        for (i, chain) in legacyChains.enumerated() { chains.append((chain, ordinals + i)) }
        for (chain, _) in chains { noteEnd(chain) }
        // A chain still open when its file ends is drawn up to that file's last event: it was pending that long.
        for i in chains.indices where chains[i].chain.outcome.isOpen {
            if let end = fileEnd[chains[i].chain.file] { chains[i].chain.end = max(chains[i].chain.end ?? end, end) }
        }
        for (chain, ordinal) in chains { handle(chain, ordinal) }
        return TrackedLog(
            chains: [], warnings: warnings + taskWarnings, inputs: paths.map(Self.displayName), formats: formats,
            messageCount: messages, byteCount: bytes)
    }

    /// Opens an input: its first 64 KiB, its size, and (for standard input) all of it.
    private func open(_ path: String, name: String) throws(ReportError) -> ([UInt8], Int, [UInt8]?) {
        do throws(PosixFile.Failure) {
            if path == "-" {
                let all: [UInt8]
                if let standardInput { all = standardInput } else { all = try PosixFile.read(0, limit: .max) }
                return (Array(all.prefix(1 << 16)), all.count, all)
            }
            let (head, size) = try PosixFile.head(of: path, limit: 1 << 16)
            return (head, size, nil)
        } catch {
            throw ReportError(code: .unreadable, message: error.message, file: name)
        }
    }

    private func readAll(_ path: String, name: String) throws(ReportError) -> [UInt8] {
        do throws(PosixFile.Failure) { return try PosixFile.contents(of: path) } catch {
            throw ReportError(code: .unreadable, message: "cannot read", file: name)
        }
    }

    /// The error for an input without a single usable message: empty, or of an unknown format.
    private func noContent(_ head: [UInt8], name: String, problems: [EventLogError], size: Int? = nil)
        -> ReportError
    {
        let blank = head.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if blank && (size ?? head.count) <= head.count {
            return ReportError(code: .emptyLog, message: "no messages", file: name)
        }
        let first = problems.first.map { " (line \($0.line ?? 1): \($0.message))" } ?? ""
        return ReportError(
            code: .unknownFormat, message: "no line is an Eliot message or a Reactor Track record\(first)", file: name)
    }
}
