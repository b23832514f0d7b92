extension ChainFamily {
    /// The time inside `run` (of `chain`, a member) spent in the runs of the family's other chains that lie within
    /// it (a chained Deferred's callbacks run inside `chainDeferred`'s run), counted once however they nest;
    /// `nil` when no other run lies within it. The run's own (self) time is its duration minus this.
    public func nestedTime(in run: ChainRun, of chain: Chain) -> Double? {
        guard let start = run.start, let end = run.end else { return nil }
        var union = IntervalUnion()
        var found = false
        for member in members where member.chain.id != chain.id && member.chain.file == chain.file {
            for other in member.chain.runs {
                guard let s = other.start, let e = other.end, s >= start, e <= end else { continue }
                union.add(s, e)
                found = true
            }
        }
        return found ? union.total : nil
    }
}
