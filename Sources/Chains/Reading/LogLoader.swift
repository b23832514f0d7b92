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
    /// The longest line read, in bytes; longer ones are skipped with a warning.
    public var maxLineBytes = 64 << 20
    /// The longest string value kept, in bytes (0: no limit); longer ones are cut with a warning.
    public var maxValueBytes = 64 << 10
    /// When set, the log as it stood at this moment (Unix seconds): later Eliot messages are left out (see
    /// ``EventLog/TaskReader/until``).
    public var until: Double?

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
        loader.keptFields = SummaryAccumulator.fieldsUsed
        let brief: ((ChainFigures, Int) -> Void)? = { figures, ordinal in
            // The monitor's dropped-events marker is counted whatever the selection: it is about the log.
            if figures.lostEvents != nil || selection.admits(figures) { accumulator.add(figures, ordinal: ordinal) }
        }
        let log = try loader.read(
            paths, streaming: true,
            { chain, ordinal in
                if chain.isDropMarker || selection.admits(chain) { accumulator.add(chain, ordinal: ordinal) }
            },
            brief: brief, briefFacts: keepsTasks)
        return (log, accumulator)
    }

    /// Reads every input as ``stream(_:_:)`` does and folds the chains that `selection` admits into the overview's
    /// figures, without building the chains of most tasks (as ``summarize(_:selection:top:keepsTasks:)``): the
    /// figures are exactly those of ``stream(_:_:)`` with ``OverviewAccumulator/fieldsUsed`` kept and each admitted
    /// chain added. The monitor's markers of dropped events are counted whatever the selection.
    ///
    /// - Precondition: The selection does not need the whole log (`--slowest`).
    /// - Returns: The log without its chains, the overview's accumulator, and how many chains the selection
    ///   admitted (markers included, as ``ChainSelection/apply(to:)`` keeps them).
    public func overview(_ paths: [String], selection: ChainSelection) throws(ReportError)
        -> (log: TrackedLog, accumulator: OverviewAccumulator, selected: Int)
    {
        precondition(!selection.needsWholeLog)
        var accumulator = OverviewAccumulator()
        var selected = 0
        var loader = self
        loader.keptFields = OverviewAccumulator.fieldsUsed
        func fold(_ figures: ChainFigures, ordinal: Int) {
            let admitted = selection.admits(figures)
            if admitted { selected += 1 }
            if admitted || figures.lostEvents != nil { accumulator.add(figures, ordinal: ordinal) }
        }
        let log = try loader.read(
            paths, streaming: true, { fold(ChainFigures($0, overview: true), ordinal: $1) },
            brief: { fold($0, ordinal: $1) }, briefOverview: true)
        return (log, accumulator, selected)
    }

    /// Reads every input as ``stream(_:_:)`` does and folds every chain into a `top` snapshot's accumulator, the
    /// ended chains of the plainest shape without building them (as ``summarize(_:selection:top:keepsTasks:)``
    /// does): the snapshot is exactly the one folding every chain built gives.
    ///
    /// - Parameters:
    ///   - thresholds: The warnings' thresholds.
    ///   - keepsChains: Whether each row keeps its chain (``TopAccumulator/keepsChains``).
    ///   - retain: How long ended chains stay listed, seconds (``TopAccumulator/retain``).
    public func snapshot(
        _ paths: [String], thresholds: TopSnapshot.Thresholds, keepsChains: Bool = false,
        retain: Double = TopSnapshot.defaultRetain
    ) throws(ReportError) -> (log: TrackedLog, accumulator: TopAccumulator) {
        var accumulator = TopAccumulator(thresholds: thresholds)
        accumulator.keepsChains = keepsChains
        accumulator.retain = retain
        let log = try read(
            paths, streaming: true, { accumulator.add($0, ordinal: $1) },
            brief: { accumulator.add($0, ordinal: $1) })
        return (log, accumulator)
    }

    /// Reads what a followed log added since the last read (see ``LogFollower``): the chains of the tasks that
    /// completed go to `handle` and `brief`, those still open to `following`, with their lines.
    func readFollowed(
        _ input: TaskReader.Input, _ following: FollowedRead, _ handle: (Chain, Int) -> Void,
        brief: @escaping (ChainFigures, Int) -> Void
    ) throws(ReportError) -> TrackedLog {
        try read([input.name], streaming: true, handle, brief: brief, following: (input, following))
    }

    private func read(
        _ paths: [String], streaming: Bool, _ handle: (Chain, Int) -> Void,
        brief handleBrief: ((ChainFigures, Int) -> Void)? = nil, briefFacts: Bool = false, briefOverview: Bool = false,
        following: (input: TaskReader.Input, read: FollowedRead)? = nil
    ) throws(ReportError) -> TrackedLog {
        let follow = following?.read
        var reader = TaskReader(streaming: streaming, keptFields: keptFields, progress: progress)
        reader.until = until
        reader.maxLineBytes = maxLineBytes
        reader.maxValueBytes = maxValueBytes
        // Summaries take the short way: most tasks are folded in without building their tree or chain.
        if handleBrief != nil {
            let fields = briefOverview ? ChainFigures.overviewBriefFields : ChainFigures.briefFields
            reader.brief = (fields, MonitorVocabulary.deferredAction)
        }
        let inputs = following.map { [$0.input] } ?? paths.map { path -> TaskReader.Input in
            if path == "-", let standardInput { return .bytes(standardInput, name: Self.displayName(path)) }
            return .path(path)
        }
        // Deferreds that a message read so far links to (chained or waited on), per file: a chain handed
        // out says whether another chain, perhaps not yet complete, links to it. (A followed log's, since it
        // was first read.)
        var linkTargets = follow?.linkTargets ?? Set<ChainFamily.Key>()
        defer { follow?.linkTargets = linkTargets }
        if let follow { reader.onUnfinished = { follow.keep(ordinal: $0, lines: $1) } }
        reader.onMessage = { message, file in
            if let target = Self.linkTarget(of: message) { linkTargets.insert(ChainFamily.Key(file: file, id: target)) }
        }
        // The latest end of any of the original format's chains, per file: those still open at the end are drawn
        // up to it. (An Eliot input's latest timestamp comes from the reader, once the input is read.)
        var fileEnd: [String: Double] = [:]
        func noteEnd(file: String, end: Double?) {
            if let end { fileEnd[file] = max(fileEnd[file] ?? end, end) }
        }
        // The original format's chains, handed out after the Eliot tasks.
        var last: [(chain: Chain, ordinal: Int)] = []
        let result: TaskReader.Result
        do {
            result = try reader.read(inputs, { handout, map in
                // A followed log's read starts with lines kept from earlier reads: its lines and tasks are
                // numbered as in the file.
                let locate = { (line: Int?) -> (file: String, line: Int?) in
                    let place = map.locate(line)
                    guard let follow else { return place }
                    return (place.file, place.line.map(follow.fileLine))
                }
                switch handout {
                case .brief(let task):
                    guard var figures = ChainFigures(brief: task, locate: locate) else { return }
                    if briefOverview { figures.addOverview(of: task) }
                    if briefFacts {
                        typealias B = ChainFigures.BriefField
                        figures.facts = TaskFacts(brief: task, exception: B.exception.rawValue, reason: B.reason.rawValue)
                    }
                    follow?.noteOrdinal(task.ordinal)
                    handleBrief?(figures, Self.chainOrdinal(task: follow?.taskOrdinal(task.ordinal) ?? task.ordinal))
                case .task(let task, let ordinal, let atEnd):
                    follow?.noteOrdinal(ordinal)
                    let taskOrdinal = follow?.taskOrdinal(ordinal) ?? ordinal
                    for (k, var chain) in ChainBuilder.chains(from: task, locate: locate).enumerated() {
                        if let id = chain.deferredID, !chain.isLinkTarget {
                            chain.isLinkTarget = linkTargets.contains(ChainFamily.Key(file: chain.file, id: id))
                        }
                        // A chain still open when its file ends is drawn up to that file's last event: it was
                        // pending that long. Handed out at once, one at a time: 200,000 chains left open are
                        // never all held.
                        if atEnd, chain.outcome.isOpen,
                            let end = [map.latestTimestamps[chain.file], follow?.latest].compactMap({ $0 }).max()
                        {
                            chain.end = max(chain.end ?? end, end)
                        }
                        if let follow, atEnd {
                            follow.open.append((chain, Self.chainOrdinal(task: taskOrdinal, chain: k)))
                        } else {
                            handle(chain, Self.chainOrdinal(task: taskOrdinal, chain: k))
                        }
                    }
                }
            })
        } catch {
            throw Self.reportError(error)
        }
        var legacyCount = 0
        var legacyRecords = 0
        var legacyWarnings: [EventLogError] = []
        for (name, bytes) in result.foreignInputs {
            let (chains, problems, records) = ReactorTrackLogReader.read(bytes, file: name)
            legacyWarnings += problems
            legacyRecords += records
            if chains.isEmpty {
                throw ReportError(
                    code: .unknownFormat, message: "no line is a Reactor Track record"
                        + (problems.first.map { " (line \($0.line ?? 1): \($0.message))" } ?? ""), file: name)
            }
            for chain in chains {
                noteEnd(file: chain.file, end: chain.end)
                last.append((chain, Self.chainOrdinal(task: result.ordinalCount + legacyCount)))
                legacyCount += 1
            }
        }
        for i in last.indices where last[i].chain.outcome.isOpen {
            if let end = fileEnd[last[i].chain.file] { last[i].chain.end = max(last[i].chain.end ?? end, end) }
        }
        for (chain, ordinal) in last { handle(chain, ordinal) }
        var log = TrackedLog(
            chains: [], warnings: result.warnings + legacyWarnings, inputs: paths.map(Self.displayName),
            formats: result.formats, messageCount: result.messageCount + legacyRecords, byteCount: result.byteCount)
        log.latestTimestamp = ([result.latestTimestamp] + fileEnd.values.map { $0 }).compactMap { $0 }.max()
        return log
    }

    /// A chain's place in first-message order: its task's, then its place in the task (an action with Deferred
    /// chains tracked inside it is several chains).
    static func chainOrdinal(task: Int, chain: Int = 0) -> Int {
        task.multipliedReportingOverflow(by: 1 << 16).partialValue &+ min(chain, (1 << 16) - 1)
    }

    /// The Deferred a monitor message links its chain to: `chained` (`to`) or `waiting` (`on`). (A Deferred
    /// returned already fired, and so not waited on, is found only when its linker's task is read: the monitor
    /// tracks such Deferreds as `tracked_by: chained`, which a stream holds for their family anyway.)
    private static let chainedLength = MonitorVocabulary.Message.chained.rawValue.utf8.count
    private static let waitingLength = MonitorVocabulary.Message.waiting.rawValue.utf8.count

    private static func linkTarget(of message: EventMessage) -> Int? {
        typealias V = MonitorVocabulary
        // Lengths first: most messages are of other types, and a length is known without reading the text.
        guard let type = message.messageType else { return nil }
        let length = type.utf8.count
        if length == chainedLength, type == V.Message.chained.rawValue { return message.fields[V.Field.to]?.intValue }
        if length == waitingLength, type == V.Message.waiting.rawValue { return message.fields[V.Field.on]?.intValue }
        return nil
    }

    /// The reader's failure as the command reports it.
    private static func reportError(_ error: EventLogError) -> ReportError {
        let code: ReportError.Code =
            switch error.code {
            case .emptyInput: .emptyLog
            case .unknownFormat: .unknownFormat
            default: .unreadable
            }
        return ReportError(code: code, message: error.message, file: error.file)
    }
}
