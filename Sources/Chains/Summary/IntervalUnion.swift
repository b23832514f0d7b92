/// The union of time intervals: time covered by several of them (a callback whose run contains another
/// chain's runs, runs on two threads at once) is counted once.
///
/// Intervals are kept sorted and disjoint; adding one after the last (the usual case, as runs are added in time
/// order, and a run that starts where the previous ended joins it) is a comparison and an append or a store.
package struct IntervalUnion: Sendable {
    private var starts: [Double] = []
    private var ends: [Double] = []

    package init() {}

    /// Adds `[start, end]`; an interval with an unknown bound, or that ends before it starts, adds nothing.
    package mutating func add(_ start: Double?, _ end: Double?) {
        guard let start, let end, end > start else { return }
        if let last = ends.last {
            if start > last {
                starts.append(start)
                ends.append(end)
                return
            }
            if start >= starts[starts.count - 1] {
                ends[ends.count - 1] = max(last, end)
                return
            }
        }
        // The first interval that ends at or after `start`, then every one that starts before `end`: merged.
        var low = 0
        var high = ends.count
        while low < high {
            let middle = (low + high) / 2
            if ends[middle] < start { low = middle + 1 } else { high = middle }
        }
        var upper = low
        var mergedStart = start
        var mergedEnd = end
        while upper < starts.count, starts[upper] <= end {
            mergedStart = min(mergedStart, starts[upper])
            mergedEnd = max(mergedEnd, ends[upper])
            upper += 1
        }
        starts.replaceSubrange(low..<upper, with: [mergedStart])
        ends.replaceSubrange(low..<upper, with: [mergedEnd])
    }

    /// The time covered, seconds (summed in time order, so the same intervals always give the same total).
    package var total: Double {
        var sum = 0.0
        for i in starts.indices { sum += ends[i] - starts[i] }
        return sum
    }

    /// The disjoint intervals covered, in time order.
    package var intervals: [(start: Double, end: Double)] {
        zip(starts, ends).map { (start: $0, end: $1) }
    }

    /// The time covered by `intervals`.
    ///
    /// The usual case, intervals in time order without overlap (one chain's runs), is added up without storing
    /// them; any overlap or disorder takes the general way.
    static func total(of intervals: some Collection<(Double?, Double?)>) -> Double {
        var sum = 0.0
        var lastEnd = -Double.infinity
        for (start, end) in intervals {
            guard let start, let end, end > start else { continue }
            guard start >= lastEnd else {
                var union = IntervalUnion()
                for (start, end) in intervals { union.add(start, end) }
                return union.total
            }
            sum += end - start
            lastEnd = end
        }
        return sum
    }
}
