import EventLog

/// Follows one log file as it grows, for `top`: each ``read()`` reads only what was written since the last one, and
/// gives the snapshot that reading the whole file would give.
///
/// The chains of the tasks that completed are folded into an accumulator once and for all. The lines of the tasks
/// still open at the end of a read are kept (they are what is in flight: bounded by the work, not by the log), and
/// the next read reads them again ahead of the new lines, so that the open tasks are built whole, with the lines
/// and tasks numbered as in the file. A read with nothing new reads nothing.
///
/// A file replaced by another of the same name (rotated) or shorter than what was read (truncated) is read again
/// from its start. Only whole lines are read: a line being written is read once its newline is. A file in the
/// original Reactor Track format is read whole each time.
public struct LogFollower {
    /// The file followed.
    public let path: String
    private let loader: LogLoader
    private let thresholds: TopSnapshot.Thresholds
    private let retain: Double
    private let keepsChains: Bool
    private var state: State

    /// What is known of the file so far.
    private struct State {
        var closed: TopAccumulator
        /// The file read, and how far: the end of its last whole line read, and the number of the line after it.
        var identity: [UInt64]?
        var offset = 0
        /// The last bytes read (up to ``LogFollower/tailCheck``): a file truncated and written again past `offset`
        /// between two reads no longer has them there.
        var tail: [UInt8] = []
        var nextLine = 1
        /// The lines of the tasks open at the end of the last read, in file order, and those tasks' ordinals in
        /// order of first line.
        var carried: [(line: Int, bytes: [UInt8])] = []
        var carriedTasks: [Int] = []
        /// The ordinal of the next task new to the file.
        var nextOrdinal = 0
        var linkTargets = Set<ChainFamily.Key>()
        var highestClosedID = Int.min
        var latest: Double?
        /// Messages read, each once.
        var messages = 0
        /// The chains of the tasks open at the end of the last read.
        var open: [(chain: Chain, ordinal: Int)] = []
        var warnings = 0
        var read = false
        /// The file is in the original format: read whole each time.
        var whole = false
    }

    /// The lines kept for the tasks open at the end of the last read (read again by the next one): what is in
    /// flight, not the log.
    public var keptLines: Int { state.carried.count }

    /// Follows the file at `path`, reading it with `loader`'s settings (not its `until`).
    public init(
        path: String, loader: LogLoader, thresholds: TopSnapshot.Thresholds, retain: Double = TopSnapshot.defaultRetain,
        keepsChains: Bool = false
    ) {
        self.path = path
        var loader = loader
        loader.until = nil
        self.loader = loader
        self.thresholds = thresholds
        self.retain = retain
        self.keepsChains = keepsChains
        state = Self.fresh(thresholds, retain, keepsChains)
    }

    private static func fresh(_ thresholds: TopSnapshot.Thresholds, _ retain: Double, _ keepsChains: Bool) -> State {
        var closed = TopAccumulator(thresholds: thresholds)
        closed.retain = retain
        closed.keepsChains = keepsChains
        closed.bounded = true
        return State(closed: closed)
    }

    /// Reads what was written since the last read, and returns the snapshot of the whole file as it now is, with
    /// the log of this read (its warnings; the first read's are the whole file's).
    ///
    /// - Throws: ``ReportError``: the file cannot be read, or holds no message yet.
    public mutating func read() throws(ReportError) -> (snapshot: TopSnapshot, log: TrackedLog?) {
        guard let (identity, size) = PosixFile.followedState(of: path) else {
            state = Self.fresh(thresholds, retain, keepsChains)
            throw ReportError(code: .unreadable, message: "no such file", file: path)
        }
        if state.whole {
            // Read again only when the file changed.
            if identity == state.identity, size == state.offset { return (view(), nil) }
            let log = try readWhole(identity: identity, size: size)
            return (view(), log)
        }
        // Rotated or truncated (perhaps written again since): what was read is not this file's any more.
        if state.read,
            identity != state.identity || size < state.offset
                || PosixFile.bytes(of: path, from: state.offset - state.tail.count, count: state.tail.count) != state.tail
        {
            state = Self.fresh(thresholds, retain, keepsChains)
        }
        state.identity = identity
        // The end of the last whole line: looked for in the last bytes, then, if they hold no newline, from where
        // the last read stopped (a very long line being written).
        let probe = max(state.offset, size - Self.tailProbe)
        guard var found = PosixFile.wholeLines(of: path, from: probe, to: size) else {
            throw ReportError(code: .unreadable, message: "cannot read the file", file: path)
        }
        if found.lines == 0, probe > state.offset {
            guard let far = PosixFile.wholeLines(of: path, from: state.offset, to: size) else {
                throw ReportError(code: .unreadable, message: "cannot read the file", file: path)
            }
            found = far
        }
        let newEnd = found.lines == 0 ? state.offset : found.end
        guard newEnd > state.offset || !state.read else {
            // Nothing new: the same snapshot, without reading anything.
            return (view(), nil)
        }
        if newEnd <= state.offset && state.carried.isEmpty {
            throw ReportError(code: .emptyLog, message: "no messages", file: path)
        }
        let log = try readIncrement(to: newEnd, identity: identity, size: size)
        return (view(), log)
    }

    /// How far from the end a read first looks for the last newline.
    private static let tailProbe = 1 << 16
    /// How many of the last bytes read are checked to be still there at the next read.
    static let tailCheck = 64

    private mutating func readIncrement(to end: Int, identity: [UInt64], size: Int) throws(ReportError) -> TrackedLog {
        let following = FollowedRead(
            carriedLines: state.carried.map(\.line), firstNewLine: state.nextLine, carriedTasks: state.carriedTasks,
            nextOrdinal: state.nextOrdinal, linkTargets: state.linkTargets, latest: state.latest)
        var prefix: [UInt8] = []
        prefix.reserveCapacity(state.carried.reduce(0) { $0 + $1.bytes.count + 1 })
        for line in state.carried {
            prefix += line.bytes
            prefix.append(0x0A)
        }
        let input = TaskReader.Input.followed(path: path, prefix: prefix, from: state.offset, to: end)
        // The accumulator is moved into the closures and back, not copied.
        var closed = TopAccumulator()
        swap(&closed, &state.closed)
        let log: TrackedLog
        // The highest Deferred id of the chains that completed: a link to a higher one may be to a chain not yet
        // read, and is kept (see below).
        var highest = state.highestClosedID
        do {
            log = try loader.readFollowed(
                input, following,
                { chain, ordinal in
                    highest = max(highest, chain.deferredID ?? highest)
                    closed.add(chain, ordinal: ordinal)
                },
                brief: { chain, ordinal in
                    highest = max(highest, chain.deferredID ?? highest)
                    closed.add(chain, ordinal: ordinal)
                })
        } catch {
            swap(&closed, &state.closed)
            throw error
        }
        state.closed = closed
        if log.formats.contains(.reactorTrack) { return try readWhole(identity: identity, size: size) }
        state.messages += log.messageCount - state.carried.count
        state.nextOrdinal += max(0, following.ordinalCount - state.carriedTasks.count)
        state.latest = [state.latest, log.latestTimestamp].compactMap { $0 }.max()
        state.open = following.open
        state.highestClosedID = highest
        // The links worth keeping: to a chain still open, or to one not yet read. (Those to chains that completed
        // are of no further use, and would grow with the log.)
        let openIDs = Set(following.open.compactMap { $0.chain.deferredID })
        state.linkTargets = following.linkTargets.filter { openIDs.contains($0.id) || $0.id > highest }
        state.warnings = log.warnings.count
        // The lines of the tasks still open: those kept before, and those of the new part, read again by place.
        let tasks = following.kept.sorted { $0.ordinal < $1.ordinal }
        var wanted: [Int] = []
        var carried: [(line: Int, bytes: [UInt8])] = []
        for task in tasks {
            for line in task.lines {
                if line <= state.carried.count { carried.append(state.carried[line - 1]) } else {
                    wanted.append(line - state.carried.count - 1)
                }
            }
        }
        wanted.sort()
        guard
            let (_, lines) = PosixFile.wholeLines(of: path, from: state.offset, to: end, wanted: wanted, { place, bytes in
                carried.append((state.nextLine + place, bytes))
            })
        else { throw ReportError(code: .unreadable, message: "cannot read the file", file: path) }
        carried.sort { $0.line < $1.line }
        state.carried = carried
        state.carriedTasks = tasks.map { following.taskOrdinal($0.ordinal) }
        state.nextLine += lines
        state.offset = end
        let tailStart = max(0, end - Self.tailCheck)
        state.tail = PosixFile.bytes(of: path, from: tailStart, count: end - tailStart) ?? []
        state.read = true
        return log
    }

    /// Reads the whole file (in the original format, whose records are not read a line at a time), noting its
    /// identity and its size when this read began: what is written after is read at the next.
    private mutating func readWhole(identity: [UInt64], size: Int) throws(ReportError) -> TrackedLog {
        let (log, accumulator) = try loader.snapshot(
            [path], thresholds: thresholds, keepsChains: keepsChains, retain: retain)
        state = Self.fresh(thresholds, retain, keepsChains)
        state.whole = true
        state.read = true
        state.closed = accumulator
        state.latest = log.latestTimestamp
        state.messages = log.messageCount
        state.warnings = log.warnings.count
        state.identity = identity
        state.offset = size
        return log
    }

    /// The snapshot: the chains that completed, and those open at the end of the last read.
    private func view() -> TopSnapshot {
        var accumulator = state.closed
        for (chain, ordinal) in state.open { accumulator.add(chain, ordinal: ordinal) }
        return snapshot(accumulator, messages: state.messages, warnings: state.warnings, latest: state.latest)
    }

    private func snapshot(_ accumulator: TopAccumulator, messages: Int, warnings: Int, latest: Double?) -> TopSnapshot {
        accumulator.snapshot(inputs: [LogLoader.displayName(path)], messages: messages, warnings: warnings, latest: latest)
    }
}

/// One read of a followed log (see ``LogFollower``): how the lines and tasks of the read, which begins with the lines
/// kept from earlier reads, are numbered in the file; and, once read, the tasks still open and their chains.
final class FollowedRead {
    /// The file's line of each kept line, in order; the file's line of the first new line.
    let carriedLines: [Int]
    let firstNewLine: Int
    /// The file's ordinals of the kept tasks, in order of first line; that of the first task new in this read.
    let carriedTasks: [Int]
    let nextOrdinal: Int
    var linkTargets: Set<ChainFamily.Key>
    /// The file's latest timestamp before this read.
    let latest: Double?
    /// How many tasks the read numbered.
    private(set) var ordinalCount = 0
    /// The tasks still open at the end: their ordinals in the read, and their lines (numbered in the read).
    private(set) var kept: [(ordinal: Int, lines: [Int])] = []
    /// Their chains, with their ordinals in the file.
    var open: [(chain: Chain, ordinal: Int)] = []

    init(
        carriedLines: [Int], firstNewLine: Int, carriedTasks: [Int], nextOrdinal: Int,
        linkTargets: Set<ChainFamily.Key>, latest: Double?
    ) {
        self.carriedLines = carriedLines
        self.firstNewLine = firstNewLine
        self.carriedTasks = carriedTasks
        self.nextOrdinal = nextOrdinal
        self.linkTargets = linkTargets
        self.latest = latest
    }

    /// The file's line of the read's line `line`.
    func fileLine(_ line: Int) -> Int {
        line >= 1 && line <= carriedLines.count ? carriedLines[line - 1] : firstNewLine + (line - carriedLines.count - 1)
    }

    /// The file's ordinal of the read's task `ordinal`.
    func taskOrdinal(_ ordinal: Int) -> Int {
        ordinal < carriedTasks.count ? carriedTasks[ordinal] : nextOrdinal + (ordinal - carriedTasks.count)
    }

    func noteOrdinal(_ ordinal: Int) { ordinalCount = max(ordinalCount, ordinal + 1) }

    /// Keeps the lines of a task still open at the end of the read (all its messages', placed in its tree or not).
    func keep(ordinal: Int, lines: [Int]) {
        noteOrdinal(ordinal)
        kept.append((ordinal, lines))
    }
}
