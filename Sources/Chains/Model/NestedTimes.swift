/// ``ChainFamily/nestedTime(in:of:)`` for every run of one family, found without reading every member for every
/// run: asking it of each run of a family of N chains read N chains N times, which made a family of 10,000
/// linked chains take a minute to draw.
///
/// Runs on one thread nest or follow each other (a chained Deferred's callbacks run inside `chainDeferred`'s
/// run), so the runs of one file form a forest under "lies within". The time inside a run spent in other chains'
/// runs is then the total of its children in that forest, a child of another chain counting whole and one of
/// the run's own chain counting what lies within it in turn. Each node's figure is worked out once, from the
/// innermost out, in a loop. Runs that overlap without nesting, or that end before they start (only a crafted log
/// writes them), make the family's answers come from ``ChainFamily/nestedTime(in:of:)`` itself.
public struct NestedTimes: Sendable {
    /// One distinct interval of a file's runs: the chains that ran in it, and its parent in the forest.
    private struct Node: Sendable {
        var start: Double
        var end: Double
        var chains: [String]
        /// For a node of one chain only: what lies within it of other chains, counted as described above.
        var inner: Double?
    }

    private struct Place: Hashable, Sendable {
        var file: String
        var start: Double
        var end: Double
    }

    private let family: ChainFamily
    /// Each positive interval's node, by file and bounds.
    private var nodes: [Node] = []
    private var nodeAt: [Place: Int] = [:]
    /// The node's children, in time order.
    private var children: [[Int]] = []
    /// Zero-length runs, by file: sorted by time, with their chain, and where the next of another chain is.
    private var points: [String: [(time: Double, chain: String)]] = [:]
    private var nextOther: [String: [Int]] = [:]
    /// Whether the family's runs are not a forest, and every answer comes from the family itself.
    private var exact = false

    /// Indexes the runs of `family`.
    public init(_ family: ChainFamily) {
        self.family = family
        guard family.members.count > 1 else { return }
        var byFile: [String: [(start: Double, end: Double, chain: String)]] = [:]
        for member in family.members {
            let chain = member.chain
            func add(_ run: ChainRun) {
                guard let start = run.start, let end = run.end else { return }
                if end < start { exact = true }
                if end == start {
                    points[chain.file, default: []].append((start, chain.id))
                } else {
                    byFile[chain.file, default: []].append((start, end, chain.id))
                }
            }
            for pair in chain.pairs { if let run = pair.run { add(run) } }
            for run in chain.extraRuns { add(run) }
        }
        guard !exact else { return }
        for (file, runs) in byFile {
            let sorted = runs.sorted { ($0.start, -$0.end) < ($1.start, -$1.end) }
            var open: [Int] = []
            for run in sorted {
                if let last = open.last, nodes[last].start == run.start, nodes[last].end == run.end {
                    if !nodes[last].chains.contains(run.chain) { nodes[last].chains.append(run.chain) }
                    continue
                }
                // Sorted by start, a run lies within the innermost open one that ends no sooner; one that ends
                // after it starts but before it ends overlaps it without nesting: not a forest.
                while let top = open.last, nodes[top].end < run.end {
                    if nodes[top].end > run.start {
                        exact = true
                        return
                    }
                    open.removeLast()
                }
                let index = nodes.count
                nodes.append(Node(start: run.start, end: run.end, chains: [run.chain]))
                children.append([])
                nodeAt[Place(file: file, start: run.start, end: run.end)] = index
                if let parent = open.last { children[parent].append(index) }
                open.append(index)
            }
        }
        // Innermost first: a node comes after its parent in `nodes`.
        for index in nodes.indices.reversed() where nodes[index].chains.count == 1 {
            nodes[index].inner = cover(below: index, for: nodes[index].chains[0])
        }
        for (file, list) in points {
            let sorted = list.sorted { ($0.time, $0.chain) < ($1.time, $1.chain) }
            points[file] = sorted
            var next = [Int](repeating: sorted.count, count: sorted.count)
            for i in sorted.indices.reversed().dropFirst() {
                next[i] = sorted[i + 1].chain != sorted[i].chain ? i + 1 : next[i + 1]
            }
            nextOther[file] = next
        }
    }

    /// The time inside `run` (of `chain`, a member) spent in the runs of the family's other chains that lie within
    /// it: what ``ChainFamily/nestedTime(in:of:)`` says.
    public func time(in run: ChainRun, of chain: Chain) -> Double? {
        guard family.members.count > 1, let start = run.start, let end = run.end else { return nil }
        guard !exact else { return family.nestedTime(in: run, of: chain) }
        // Only a zero-length run of another chain at the same time lies within a zero-length run.
        if end == start { return hasPoint(of: chain, from: start, to: end) ? 0 : nil }
        guard let node = nodeAt[Place(file: chain.file, start: start, end: end)] else {
            return family.nestedTime(in: run, of: chain)
        }
        var total = nodes[node].chains.contains { $0 != chain.id } ? end - start : cover(below: node, for: chain.id)
        if total == nil, hasPoint(of: chain, from: start, to: end) { total = 0 }
        return total
    }

    /// The time lying within the children of `node` spent in chains other than `chain`; `nil` when none lies
    /// within it.
    private func cover(below node: Int, for chain: String) -> Double? {
        var total: Double?
        for child in children[node] {
            let other = nodes[child].chains.contains { $0 != chain }
            if let part = other ? nodes[child].end - nodes[child].start : nodes[child].inner {
                total = (total ?? 0) + part
            }
        }
        return total
    }

    /// Whether a zero-length run of another chain lies within `[start, end]`.
    private func hasPoint(of chain: Chain, from start: Double, to end: Double) -> Bool {
        guard let list = points[chain.file], let next = nextOther[chain.file] else { return false }
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].time < start { low = middle + 1 } else { high = middle }
        }
        guard low < list.count else { return false }
        let other = list[low].chain != chain.id ? low : next[low]
        return other < list.count && list[other].time <= end
    }
}
