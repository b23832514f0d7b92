import Chains
import EventLog

/// The data an HTML report carries: the selected chains as columnar tables with a string table, and the replay's
/// steps in time order (format 1, described in `docs/html-report.md`).
///
/// Columns of integers and one table of distinct strings keep a 100 MB log's report small and quick to parse: a
/// chain label or callback name repeated a hundred thousand times is written once.
struct ReportData {
    /// Values longer than this many characters are cut, ending in `…` (a report is for reading, not for
    /// carrying megabyte payloads).
    static let valueLimit = 2_000

    /// The kinds of step the replay goes through, in the order of `enums.event`.
    enum Step: Int, CaseIterable {
        case created, fired, run, wait, resumed, link, cancelled, ended, action, message
        /// An action below the task's root ended failed (the root's end is the chain's `ended`).
        case actionFailed
    }

    private(set) var strings = StringTable()
    // Columns of times hold each time as it is (``time(_:)``) until the data is written, when the earliest start
    // is known: then they become microseconds since it.
    private var chains = Table(
        "id", "label", "badge", "exception", "reason", "result", "firedValue", "createdAt", "trackedBy", "file",
        "title", "kind", "outcome", "firedSide", "deferredID", "line", "start", "end", "fired", "cancelledAt",
        "complete", "recovered", "family", "depth", "parent", "pairStart", "pairCount", "runStart", "runCount",
        "waitStart", "waitCount", "linkStart", "linkCount", "spanStart", "spanCount", "cutAt", "running", "waiting",
        "busyStart", "busyCount", "raised", times: ["start", "end", "fired", "cancelledAt", "cutAt"])
    private var pairs = Table("chain", "index", "callback", "errback", "site", "fate", "pathIn", "pathOut", "run")
    private var runs = Table(
        "chain", "pair", "name", "side", "start", "end", "input", "output", "outSide", "exception", "reason",
        "returned", "line", times: ["start", "end"])
    private var waits = Table("chain", "on", "onID", "start", "end", "pair", "side", "value", times: ["start", "end"])
    private var links = Table("chain", "kind", "target", "targetID", "pair", "time", times: ["time"])
    /// Each Deferred's time in callbacks, as `summary` counts it: its runs merged where they overlap (only for the
    /// chains whose runs do). The page takes the union of these over the chains in view (per file, as `summary`),
    /// rather than adding up runs.
    private var busy = Table("chain", "start", "end", times: ["start", "end"])
    private var spans = Table(
        "chain", "kind", "name", "depth", "level", "start", "end", "status", "exception", "reason", "fields", "line",
        times: ["start", "end"])
    /// (time, chain, step, ref), sorted at the end.
    private var steps: [(time: Double, chain: Int, step: Step, ref: Int)] = []
    /// The earliest start of a chain added: the report's time origin.
    private var t0: Double?
    /// Where each Deferred's chain is in the table, per file (the first one added), for links. A link's target
    /// is always added with its family or before it: ``Chains/ChainFamily/group(_:)`` puts a chain in the first
    /// family that links to it, and ``Chains/ChainFamilyStream`` hands a family out only after the chains it links to.
    private var indexOf: [String: [Int: Int]] = [:]
    /// Each family's place in the log's order (its root's ordinal), and its chains' rows: families added as they
    /// complete are put back in the log's order when the data is written.
    private var families: [(order: Int, rows: Range<Int>)] = []

    /// Empty data: families are added as they are read (``add(_:)``).
    init() {}

    /// Builds the tables of `chains` (in family order: each chain followed by the chains linked from it).
    init(_ chains: [Chain]) {
        for (order, family) in ChainFamily.group(chains.filter { !$0.isDropMarker }).enumerated() {
            add(family, order: order)
        }
    }

    /// Adds a family's chains (the monitor's dropped-events markers are never in one: see ``HTMLOutput``).
    ///
    /// - Parameter order: Where the family comes in the log (its root's ordinal): the tables are written in this
    ///   order, whatever the order families are added in.
    mutating func add(_ family: ChainFamily, order: Int) {
        let f = families.count
        families.append((order, chains.count..<chains.count + family.members.count))
        // Places first, so that links within the family resolve as its chains are added.
        for (k, member) in family.members.enumerated() {
            if let id = member.chain.deferredID, indexOf[member.chain.file]?[id] == nil {
                indexOf[member.chain.file, default: [:]][id] = chains.count + k
            }
        }
        var lastAtDepth: [Int] = []
        for member in family.members {
            let index = self.chains.count
            lastAtDepth.removeSubrange(min(member.depth, lastAtDepth.count)...)
            let parent = member.depth > 0 ? lastAtDepth.last ?? -1 : -1
            lastAtDepth.append(index)
            if let start = member.chain.start { t0 = min(t0 ?? start, start) }
            add(member.chain, family: f, depth: member.depth, parent: parent)
        }
    }

    /// The place of Deferred `id`'s chain in `file`, or -1 (not selected).
    private func target(_ id: Int, file: String) -> Int { indexOf[file]?[id] ?? -1 }

    /// A time as a column holds it until the data is written (``Table/write(to:t0:)``).
    private func time(_ time: Double?) -> Int { Table.time(time) }

    /// The microseconds since `t0` of `time`, or -1.
    static func micros(_ time: Double?, since t0: Double) -> Int {
        guard let time else { return -1 }
        return wholeMicroseconds(time - t0) ?? -1
    }

    /// `seconds` in whole microseconds; `nil` when that is not a finite number a table can hold.
    private static func wholeMicroseconds(_ seconds: Double) -> Int? {
        let value = (seconds * 1e6).rounded()
        return value.isFinite && abs(value) < 9e15 ? Int(value) : nil
    }

    private mutating func text(_ value: String?) -> Int { strings.index(of: value) }

    private static func side(_ side: LadderSide?) -> Int {
        switch side {
        case .callback: 1
        case .errback: 2
        case nil: 0
        }
    }

    private mutating func add(_ chain: Chain, family: Int, depth: Int, parent: Int) {
        let c = chains.count
        let pairStart = pairs.count, runStart = runs.count, waitStart = waits.count
        let linkStart = links.count, spanStart = spans.count
        for pair in chain.pairs {
            var run = -1
            if let chainRun = pair.run {
                run = runs.count
                addRun(chainRun, chain: c, pair: pairs.count)
            }
            pairs.append([
                c, pair.index, text(pair.callback), text(pair.errback), text(pair.site),
                ReportData.fates.firstIndex(of: pair.fate) ?? 0, Self.side(pair.pathIn), Self.side(pair.pathOut), run,
            ])
        }
        for run in chain.extraRuns { addRun(run, chain: c, pair: -1) }
        for wait in chain.waits {
            let w = waits.count
            let on = wait.on.map { target($0, file: chain.file) } ?? -1
            waits.append([
                c, on, wait.on ?? -1, time(wait.start), time(wait.end),
                wait.pairIndex ?? -1, Self.side(wait.resumedSide), text(wait.resumedValue),
            ])
            if let start = wait.start { steps.append((start, c, .wait, w)) }
            if let end = wait.end { steps.append((end, c, .resumed, w)) }
        }
        for link in chain.links {
            let l = links.count
            let to = target(link.target, file: chain.file)
            links.append([
                c, ReportData.linkKinds.firstIndex(of: link.kind) ?? 0, to, link.target, link.pairIndex ?? -1,
                time(link.time),
            ])
            // A chained link is a message of its own; a wait's link lights up with the wait.
            if link.kind == .chained, let time = link.time { steps.append((time, c, .link, l)) }
        }
        for span in chain.spans {
            let s = spans.count
            let fields = (span.startFields + span.endFields).map { "\($0.key): \($0.value)" }.joined(separator: "\n")
            spans.append([
                c, span.kind == .action ? 0 : 1, text(span.name), span.depth, text(span.level), time(span.start),
                time(span.end), text(span.status), text(span.exception), text(span.reason),
                text(fields.isEmpty ? nil : fields), span.line ?? -1,
            ])
            if let start = span.start { steps.append((start, c, span.kind == .action ? .action : .message, s)) }
            if span.kind == .action, span.depth > 0, span.status == "failed", let end = span.end {
                steps.append((end, c, .actionFailed, s))
            }
        }
        if chain.isDeferred, let start = chain.start { steps.append((start, c, .created, -1)) }
        if let fired = chain.firedAt { steps.append((fired, c, .fired, -1)) }
        if let cancelled = chain.cancelledAt { steps.append((cancelled, c, .cancelled, -1)) }
        // `runs` is computed: taken once (asking it per run was quadratic in a chain's runs).
        let chainRuns = chain.runs
        for (r, run) in zip(runStart..., chainRuns) {
            if let start = run.start { steps.append((start, c, .run, r)) }
        }
        // Noted last, so that at a tie (a last callback that took no measurable time) it ends after its runs.
        if !chain.outcome.isOpen, chain.outcome != .message, let end = chain.end { steps.append((end, c, .ended, -1)) }
        // Runs that do not overlap are their own union (the usual case): the page reads them from the runs table
        // (`busyCount` -1), and only chains whose runs overlap or touch carry merged intervals.
        var busyStart = busy.count
        var busyCount = -1
        let intervals = chain.runningIntervals
        if intervals.count != chainRuns.count(where: { run in
            guard let start = run.start, let end = run.end else { return false }
            return end > start
        }) {
            for interval in intervals { busy.append([c, time(interval.start), time(interval.end)]) }
            busyCount = busy.count - busyStart
        } else {
            busyStart = runStart
        }
        let outcome = ReportData.outcomes.firstIndex(of: chain.outcome.name) ?? 0
        chains.append([
            text(chain.id), text(chain.label), text(chain.outcome.badge), text(chain.outcome.exception),
            text(chain.outcome.reason), text(chain.result), text(chain.firedValue), text(chain.createdAt ?? chain.trackedAt),
            text(chain.trackedBy), text(chain.file), text(chain.title), ReportData.kinds.firstIndex(of: chain.kind) ?? 0,
            outcome, Self.side(chain.firedSide), chain.deferredID ?? -1, chain.line ?? -1, time(chain.start),
            time(chain.end), time(chain.firedAt), time(chain.cancelledAt), chain.isComplete ? 1 : 0,
            chain.outcome.name == "recovered" ? 1 : 0, family, depth, parent, pairStart, pairs.count - pairStart,
            runStart, runs.count - runStart, waitStart, waits.count - waitStart, linkStart, links.count - linkStart,
            spanStart, spans.count - spanStart, time(chain.cutAt),
            Self.wholeMicroseconds(chain.isDeferred ? chain.runningTime : 0) ?? 0,
            Self.wholeMicroseconds(chain.waitingTime) ?? 0, busyStart, busyCount, chain.raised ? 1 : 0,
        ])
    }

    private mutating func addRun(_ run: ChainRun, chain: Int, pair: Int) {
        runs.append([
            chain, pair, text(run.name), Self.side(run.side), time(run.start), time(run.end), text(run.input),
            text(run.output), Self.side(run.outputSide), text(run.exception), text(run.reason),
            run.returnedDeferred ?? -1, run.line ?? -1,
        ])
    }

    // The enumerations' values in the order of `enums.*` (their declaration order).
    static let outcomes = ChainOutcome.names
    static let fates = LadderPair.Fate.allCases
    static let kinds = ChainKind.allCases
    static let linkKinds = ChainLink.Kind.allCases


    // MARK: Writing

    /// Writes the data as one JSON object (HTML-escaping is the page's job: see ``HTMLOutput``).
    mutating func write(
        to out: inout LineBuilder, title: String, inputs: [String], warnings: [String], warningCount: Int,
        summary: LogSummary
    ) {
        let placeOf = putInOrder()
        let t0 = t0 ?? 0
        out.raw("{\"format\":1,\"title\":")
        out.string(title)
        out.raw(",\"t0\":")
        out.double(t0)
        out.raw(",\"valueLimit\":")
        out.int(Self.valueLimit)
        out.raw(",\"inputs\":")
        out.strings(inputs)
        out.raw(",\"warnings\":")
        out.strings(warnings)
        out.raw(",\"warningCount\":")
        out.int(warningCount)
        out.raw(",\"enums\":{\"kind\":")
        out.strings(ReportData.kinds.map(\.rawValue))
        out.raw(",\"outcome\":")
        out.strings(Self.outcomes)
        out.raw(",\"side\":[\"\",\"callback\",\"errback\"],\"fate\":")
        out.strings(Self.fates.map(\.rawValue))
        out.raw(",\"link\":")
        out.strings(ReportData.linkKinds.map(\.rawValue))
        out.raw(",\"span\":[\"action\",\"message\"],\"event\":")
        out.strings(Step.allCases.map { "\($0)" })
        out.raw("},\"summary\":")
        Self.write(summary, to: &out)
        out.raw(",\"strings\":")
        out.strings(strings.values)
        for (name, table) in [("chains", chains), ("pairs", pairs), ("runs", runs), ("waits", waits),
                              ("links", links), ("spans", spans), ("busy", busy)] {
            out.raw(",\"\(name)\":")
            table.write(to: &out, t0: t0)
        }
        // Ties keep the order the steps were noted in: chain by chain in the table's order.
        let order = steps.indices.sorted { a, b in
            let (x, y) = (steps[a], steps[b])
            if x.time != y.time { return x.time < y.time }
            let (p, q) = (placeOf[x.chain], placeOf[y.chain])
            return p != q ? p < q : a < b
        }
        var events = Table("time", "type", "chain", "ref")
        for i in order {
            let step = steps[i]
            events.append([Self.micros(step.time, since: t0), step.step.rawValue, placeOf[step.chain], step.ref])
        }
        out.raw(",\"events\":")
        events.write(to: &out, t0: t0)
        out.raw("}")
    }

    /// Puts the chains' rows in the families' order (each family's rows stay together, in their order): the
    /// chains table's rows move, and every column that names a chain row is renumbered. The other tables' rows
    /// stay where they are (a chain names them by start and count).
    ///
    /// - Returns: Each chain row's new place, by its old one (for the replay's steps).
    private mutating func putInOrder() -> [Int] {
        let count = chains.count
        guard families.indices.dropFirst().contains(where: { families[$0].order < families[$0 - 1].order }) else {
            return Array(0..<count)
        }
        let ranked = families.indices.sorted { (families[$0].order, $0) < (families[$1].order, $1) }
        var rows: [Int] = []
        rows.reserveCapacity(count)
        var rank = [Int](repeating: 0, count: families.count)
        for (r, f) in ranked.enumerated() {
            rank[f] = r
            rows += families[f].rows
        }
        var placeOf = [Int](repeating: -1, count: count)
        for (place, row) in rows.enumerated() { placeOf[row] = place }
        let chainRow = { (row: Int) in row >= 0 && row < count ? placeOf[row] : row }
        chains.reorder(rows)
        chains.map("family") { rank[$0] }
        chains.map("parent", chainRow)
        for table in [\ReportData.pairs, \.runs, \.waits, \.links, \.spans, \.busy] { self[keyPath: table].map("chain", chainRow) }
        waits.map("on", chainRow)
        links.map("target", chainRow)
        families = ranked.enumerated().map { r, f in (r, families[f].rows) }
        return placeOf
    }

    private static func write(_ summary: LogSummary, to out: inout LineBuilder) {
        out.raw("{\"chains\":")
        out.int(summary.chains)
        out.raw(",\"complete\":")
        out.int(summary.complete)
        out.raw(",\"outcomes\":{")
        for (i, name) in summary.outcomes.keys.sorted().enumerated() {
            if i > 0 { out.raw(",") }
            out.string(name)
            out.raw(":")
            out.int(summary.outcomes[name] ?? 0)
        }
        out.raw("},\"durations\":{")
        let d = summary.durations
        for (i, (name, value)) in [("p50", d.p50), ("p90", d.p90), ("p95", d.p95), ("p99", d.p99), ("max", d.max)]
            .enumerated()
        {
            if i > 0 { out.raw(",") }
            out.raw("\"\(name)\":")
            out.double(d.count > 0 ? value : .nan)
        }
        out.raw(",\"count\":")
        out.int(d.count)
        out.raw("},\"running\":")
        out.double(summary.running)
        out.raw(",\"waiting\":")
        out.double(summary.waiting)
        out.raw("}")
    }
}

/// Distinct strings, each written once; index 0 is `""`, "none".
struct StringTable {
    private(set) var values: [String] = [""]
    private var indices: [String: Int] = ["": 0]

    /// The index of `value`, cut to ``ReportData/valueLimit`` characters.
    mutating func index(of value: String?) -> Int {
        guard let value, !value.isEmpty else { return 0 }
        if let index = indices[value] { return index }
        let kept = value.utf8.count <= ReportData.valueLimit || value.count <= ReportData.valueLimit
            ? value : String(value.prefix(ReportData.valueLimit - 1)) + "…"
        let index = values.count
        values.append(kept)
        indices[value] = index
        return index
    }
}

/// A table of integer columns, written as `{"name":[…],…}`.
struct Table {
    private let names: [String]
    private var columns: [[Int]]
    /// Which columns hold times (as ``time(_:)`` keeps them), written as microseconds since the report's origin.
    private let isTime: [Bool]

    init(_ names: String..., times: [String] = []) {
        self.names = names
        columns = Array(repeating: [], count: names.count)
        isTime = names.map(times.contains)
    }

    var count: Int { columns[0].count }

    mutating func append(_ row: [Int]) {
        precondition(row.count == columns.count, "a row of \(row.count) values for \(columns.count) columns")
        for (i, value) in row.enumerated() { columns[i].append(value) }
    }

    /// Replaces each value of the column `name` with `transform` of it.
    mutating func map(_ name: String, _ transform: (Int) -> Int) {
        guard let i = names.firstIndex(of: name) else { preconditionFailure("no column \(name)") }
        for j in columns[i].indices { columns[i][j] = transform(columns[i][j]) }
    }

    /// Puts the rows in the order `rows` gives (the old place of each row, in the new order).
    mutating func reorder(_ rows: [Int]) {
        for i in columns.indices {
            let column = columns[i]
            columns[i] = rows.map { column[$0] }
        }
    }

    /// No time: a NaN no log's timestamp can be (a JSON number is finite).
    private static let noTime = Int(bitPattern: UInt(Double(nan: 0x5EED, signaling: false).bitPattern))

    /// A time kept in a time column until it is written: the bits of the `Double`, so nothing is rounded twice.
    static func time(_ time: Double?) -> Int {
        guard let time else { return noTime }
        return Int(bitPattern: UInt(time.bitPattern))
    }

    /// Writes the columns; times as whole microseconds since `t0` (-1 for none, or one a column cannot hold).
    func write(to out: inout LineBuilder, t0: Double) {
        out.raw("{")
        for (i, name) in names.enumerated() {
            if i > 0 { out.raw(",") }
            out.raw("\"\(name)\":[")
            for (j, value) in columns[i].enumerated() {
                if j > 0 { out.byte(UInt8(ascii: ",")) }
                if isTime[i] {
                    let time = value == Self.noTime ? nil : Double(bitPattern: UInt64(UInt(bitPattern: value)))
                    out.int(ReportData.micros(time, since: t0))
                } else {
                    out.int(value)
                }
            }
            out.raw("]")
        }
        out.raw("}")
    }
}

extension LineBuilder {
    /// A JSON array of strings.
    mutating func strings(_ values: [String]) {
        raw("[")
        for (i, value) in values.enumerated() {
            if i > 0 { byte(UInt8(ascii: ",")) }
            string(value)
        }
        raw("]")
    }
}
