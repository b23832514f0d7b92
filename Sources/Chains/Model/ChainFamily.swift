/// A chain and the chains linked from it (chained, waited on, returned), drawn together on one page.
public struct ChainFamily: Sendable, Hashable {
    /// One member: a chain, its depth under the root, and the link that brought it in.
    public struct Member: Sendable, Hashable {
        /// The chain.
        public var chain: Chain
        /// 0 for the root, 1 for a chain linked from it, ...
        public var depth: Int
        /// The link from the parent, and the parent's title.
        public var link: ChainLink?
        /// The parent chain's title.
        public var parentTitle: String?
    }

    /// The members, root first, then depth first in link order.
    public var members: [Member]

    /// The root chain.
    public var root: Chain { members[0].chain }

    /// Where a Deferred's chain is found: deferred ids are unique within one monitor's log, so links are
    /// resolved within the same file; a chain tracked inside an action is also found from that action's task,
    /// which may have been written to another file (actions to `actions.out`, the monitor's chains to `mon.out`).
    struct Key: Hashable {
        /// The file, or `task ` and the task's UUID.
        var file: String
        var id: Int

        /// The chain of Deferred `id` in `chain`'s file.
        init(file: String, id: Int) {
            self.file = file
            self.id = id
        }

        /// Where the target of `link`, a link of `chain`, is found: a chain `contains` is in its task.
        init(_ link: ChainLink, from chain: Chain) {
            self.init(file: link.kind == .contains ? Self.task(of: chain.id) : chain.file, id: link.target)
        }

        /// The keys `chain` is found under: its file's, and its task's if it was tracked inside an action.
        static func keys(of chain: Chain) -> [Key] {
            guard let id = chain.deferredID else { return [] }
            let file = Key(file: chain.file, id: id)
            guard chain.kind == .deferred, chain.id.contains("/") else { return [file] }
            return [file, Key(file: task(of: chain.id), id: id)]
        }

        /// The task scope of a chain id (`UUID` or `UUID/level…`).
        private static func task(of chainID: String) -> String {
            "task " + chainID.prefix { $0 != "/" }
        }
    }

    /// Groups chains into families: a chain linked from another joins that one's family.
    public static func group(_ chains: [Chain]) -> [ChainFamily] {
        var byID: [Key: Int] = [:]
        for (i, chain) in chains.enumerated() {
            for key in Key.keys(of: chain) where byID[key] == nil { byID[key] = i }
        }
        var targeted = Set<Key>()
        for chain in chains {
            for link in chain.links where link.target != chain.deferredID { targeted.insert(Key(link, from: chain)) }
        }
        var visited = Set<Int>()
        var families: [ChainFamily] = []
        for pass in 0..<2 {
            for (i, chain) in chains.enumerated() where !visited.contains(i) {
                if pass == 0, Key.keys(of: chain).contains(where: targeted.contains) { continue }
                families.append(collect(i, chain: { chains[$0] }, target: { byID[$0] }, visited: &visited))
            }
        }
        return families
    }

    /// The family of the chain `root`: it, then depth first in link order each chain linked from a member that
    /// is not yet in `visited`.
    ///
    /// A loop with an explicit stack, not recursion, however long the line of links: the order is the one a
    /// recursive walk gives (a chain is checked against `visited` when its turn comes, after the chains linked
    /// before it and everything below them).
    ///
    /// - Parameters:
    ///   - chain: The chain of a number.
    ///   - target: The number of the chain of a Deferred, if there is one.
    static func collect(
        _ root: Int, chain: (Int) -> Chain, target: (Key) -> Int?, visited: inout Set<Int>
    ) -> ChainFamily {
        var members: [Member] = []
        // Each entry: a chain to visit, with its depth, the link that brought it in and its parent's title; the
        // chains linked from one member are pushed last first, so that they are popped in link order.
        var stack: [(index: Int, depth: Int, link: ChainLink?, parent: String?)] = [(root, 0, nil, nil)]
        var linked: [(index: Int, depth: Int, link: ChainLink?, parent: String?)] = []
        while let (index, depth, link, parent) = stack.popLast() {
            guard visited.insert(index).inserted else { continue }
            let chain = chain(index)
            members.append(Member(chain: chain, depth: depth, link: link, parentTitle: parent))
            var seen = Set<Int>()
            linked.removeAll(keepingCapacity: true)
            for link in chain.links where seen.insert(link.target).inserted {
                if let next = target(Key(link, from: chain)) {
                    linked.append((next, depth + 1, link, chain.title))
                }
            }
            stack += linked.reversed()
        }
        return ChainFamily(members: members)
    }

    /// Each member's parent: the index of the member it is linked from (the nearest one before it a level up, as
    /// members are in depth-first order), `nil` for the root. Linear in the members, however wide or deep.
    public var parents: [Int?] {
        var lastAtDepth: [Int] = []
        var result: [Int?] = []
        result.reserveCapacity(members.count)
        for (i, member) in members.enumerated() {
            let depth = member.depth
            result.append(depth > 0 && depth - 1 < lastAtDepth.count ? lastAtDepth[depth - 1] : nil)
            if depth < lastAtDepth.count {
                lastAtDepth[depth] = i
            } else {
                // Depths in a family grow one at a time; a gap (never made by `collect`) leaves the levels between
                // without a member, as a search for the nearest one there would find none.
                while lastAtDepth.count < depth { lastAtDepth.append(-1) }
                lastAtDepth.append(i)
            }
        }
        return result.map { $0 == -1 ? nil : $0 }
    }

    /// The deepest a view indents a linked chain: members deeper than this are drawn at this depth, with their
    /// depth written out, so that a line of a million linked Deferreds makes a page (or a terminal tree) as wide as
    /// a line of this many.
    public static let indentLimit = 16
}
