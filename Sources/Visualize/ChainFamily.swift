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

    /// Groups chains into families: a chain linked from another joins that one's family.
    public static func group(_ chains: [Chain]) -> [ChainFamily] {
        // Deferred ids are unique within one monitor's log, so links are resolved within the same file.
        struct Key: Hashable {
            var file: String
            var id: Int
        }
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
        func collect(_ index: Int, depth: Int, link: ChainLink?, parent: String?, into members: inout [Member]) {
            guard visited.insert(index).inserted else { return }
            let chain = chains[index]
            members.append(Member(chain: chain, depth: depth, link: link, parentTitle: parent))
            var seen = Set<Int>()
            for link in chain.links where seen.insert(link.target).inserted {
                if let target = byID[Key(file: chain.file, id: link.target)] {
                    collect(target, depth: depth + 1, link: link, parent: chain.title, into: &members)
                }
            }
        }
        for pass in 0..<2 {
            for (i, chain) in chains.enumerated() where !visited.contains(i) {
                if pass == 0, let id = chain.deferredID, targeted.contains(Key(file: chain.file, id: id)) { continue }
                var members: [Member] = []
                collect(i, depth: 0, link: nil, parent: nil, into: &members)
                families.append(ChainFamily(members: members))
            }
        }
        return families
    }
}
