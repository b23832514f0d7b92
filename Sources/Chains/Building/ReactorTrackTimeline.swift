/// Puts the runs of the original Reactor Track format on a time line, which the format does not record.
///
/// An `executed` record is written when its callback ends and gives only its duration. Runs follow each other in
/// the order their records were written, except that a run of a pair that passes its result to another Deferred
/// (`chainDeferred`: the pair's halves are that Deferred's `callback` and `errback`) fires that Deferred, whose
/// callbacks then run inside it: their records come just before the enclosing one, and the enclosing duration
/// includes theirs. Such a run holds the runs of one other Deferred recorded just before it when they are all of
/// that Deferred's runs so far (a Deferred fires once) and their durations fit in its own; they start when it
/// starts, one after another.
struct ReactorTrackTimeline {
    /// One `executed` record.
    struct Record {
        /// The Deferred's address.
        var deferred: Int
        /// The callback's name.
        var name: String
        /// The half that ran.
        var side: LadderSide
        /// Seconds.
        var duration: Double
        /// The record's line.
        var line: Int
    }

    /// Each record's start, in seconds from the first run's.
    let starts: [Double]
    /// For each `chainDeferred` run found to hold another Deferred's runs: that Deferred.
    let chained: [Int: Int]

    /// How far the held runs' total may exceed the holder's duration (rounding in the written numbers).
    static let tolerance = 1e-6

    /// Places `records`, given in file order.
    init(_ records: [Record]) {
        // Records not (yet) inside another, in file order, and what each holder holds.
        var top: [Int] = []
        var held: [Int: [Int]] = [:]
        var chained: [Int: Int] = [:]
        var seen: [Int: Int] = [:]
        for (i, record) in records.enumerated() {
            if Self.passesResult(record.name), let (target, count) = Self.heldBlock(before: record, top, records, seen)
            {
                held[i] = Array(top.suffix(count))
                top.removeLast(count)
                chained[i] = target
            }
            top.append(i)
            seen[record.deferred, default: 0] += 1
        }
        // Top-level runs one after another from 0; each holder's runs one after another from its start. A loop,
        // not recursion, however deep the chaining goes.
        var starts = [Double](repeating: 0, count: records.count)
        var toPlace: [(record: Int, start: Double)] = []
        var clock = 0.0
        for i in top {
            toPlace.append((i, clock))
            clock += records[i].duration
        }
        while let (i, start) = toPlace.popLast() {
            starts[i] = start
            var inner = start
            for child in held[i] ?? [] {
                toPlace.append((child, inner))
                inner += records[child].duration
            }
        }
        self.starts = starts
        self.chained = chained
    }

    /// Whether a callback's name is a Deferred's own `callback` or `errback` (the pair `chainDeferred` adds).
    ///
    /// Reactor Track named a callback by its module and function, so the same bound method is spelled three ways:
    /// - Python 2's module and function: `twisted.internet.defer.callback` / `twisted.internet.defer.errback`;
    /// - Python 3's module and qualified name: `twisted.internet.defer.Deferred.callback` (a subclass's name, such
    ///   as `myapp.TracedDeferred.callback`, ends in `Deferred` too);
    /// - a bound method's repr: `<bound method Deferred.callback of <Deferred at 0x7f…>>`.
    ///
    /// The rule: take the name inside a bound-method repr, split it at dots; the last part is `callback` or
    /// `errback`, and the part before it is a class whose name ends in `Deferred`, or the parts before it are
    /// exactly the module `twisted.internet.defer`. A user's own `__main__.callback` is not matched.
    static func passesResult(_ name: String) -> Bool {
        var dotted = Substring(name)
        let boundPrefix = "<bound method "
        if dotted.hasPrefix(boundPrefix) {
            dotted = dotted.dropFirst(boundPrefix.count)
            dotted = dotted.prefix { $0 != " " && $0 != ">" }
        }
        let parts = dotted.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, let method = parts.last, method == "callback" || method == "errback" else {
            return false
        }
        let owner = parts[parts.count - 2]
        if owner.hasSuffix("Deferred") { return true }
        return parts.dropLast().joined(separator: ".") == "twisted.internet.defer"
    }

    /// The Deferred whose runs `holder` holds, and how many of the last top-level records they are: the runs of
    /// one other Deferred just before it, if they are all its runs so far and fit in the holder's duration.
    private static func heldBlock(before holder: Record, _ top: [Int], _ records: [Record], _ seen: [Int: Int])
        -> (target: Int, count: Int)?
    {
        var target: Int?
        var count = 0
        var total = 0.0
        for index in top.reversed() {
            let record = records[index]
            if record.deferred == holder.deferred || (target != nil && record.deferred != target) { break }
            target = record.deferred
            count += 1
            total += record.duration
        }
        guard let target, count == seen[target], total <= holder.duration + tolerance else { return nil }
        return (target, count)
    }
}
