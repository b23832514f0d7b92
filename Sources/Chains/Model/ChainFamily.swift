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
    /// resolved within the same file.
    struct Key: Hashable {
        var file: String
        var id: Int
    }

    /// Groups chains into families: a chain linked from another joins that one's family.
    public static func group(_ chains: [Chain]) -> [ChainFamily] {
        var byID: [Key: Int] = [:]
        for (i, chain) in chains.enumerated() {
            if let id = chain.deferredID, byID[Key(file: chain.file, id: id)] == nil { byID[Key(file: chain.file, id: id)] = i }
        }
        var targeted = Set<Key>()
        for chain in chains {
            for link in chain.links where link.target != chain.deferredID { targeted.insert(Key(file: chain.file, id: link.target)) }
        }
        var visited = Set<Int>()
        var families: [ChainFamily] = []
        for pass in 0..<2 {
            for (i, chain) in chains.enumerated() where !visited.contains(i) {
                if pass == 0, let id = chain.deferredID, targeted.contains(Key(file: chain.file, id: id)) { continue }
                families.append(collect(i, chain: { chains[$0] }, target: { byID[$0] }, visited: &visited))
            }
        }
        return families
    }

    /// The family of the chain `root`: it, then depth first in link order each chain linked from a member that
    /// is not yet in `visited`.
    ///
    /// - Parameters:
    ///   - chain: The chain of a number.
    ///   - target: The number of the chain of a Deferred, if there is one.
    static func collect(
        _ root: Int, chain: (Int) -> Chain, target: (Key) -> Int?, visited: inout Set<Int>
    ) -> ChainFamily {
        var members: [Member] = []
        func visit(_ index: Int, depth: Int, link: ChainLink?, parent: String?) {
            guard visited.insert(index).inserted else { return }
            let chain = chain(index)
            members.append(Member(chain: chain, depth: depth, link: link, parentTitle: parent))
            var seen = Set<Int>()
            for link in chain.links where seen.insert(link.target).inserted {
                if let next = target(Key(file: chain.file, id: link.target)) {
                    visit(next, depth: depth + 1, link: link, parent: chain.title)
                }
            }
        }
        visit(root, depth: 0, link: nil, parent: nil)
        return ChainFamily(members: members)
    }
}
