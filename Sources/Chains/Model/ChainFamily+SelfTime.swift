extension ChainFamily {
    /// The time inside `run` (of `chain`, a member) spent in the runs of the family's other chains that lie within
    /// it (a chained Deferred's callbacks run inside `chainDeferred`'s run), counted once however they nest;
    /// `nil` when no other run lies within it. The run's own (self) time is its duration minus this.
    public func nestedTime(in run: ChainRun, of chain: Chain) -> Double? {
        // Most families are one chain; the members are read in place, not copied.
        guard members.count > 1, let start = run.start, let end = run.end else { return nil }
        var union = IntervalUnion()
        var found = false
        func note(_ other: ChainRun) {
            guard let s = other.start, let e = other.end, s >= start, e <= end else { return }
            union.add(s, e)
            found = true
        }
        for i in members.indices where members[i].chain.file == chain.file && members[i].chain.id != chain.id {
            for pair in members[i].chain.pairs { if let other = pair.run { note(other) } }
            for other in members[i].chain.extraRuns { note(other) }
        }
        return found ? union.total : nil
    }
}
