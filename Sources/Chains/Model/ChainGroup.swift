/// Chains with the same label, callback sequence and outcome, shown as one overview row (`fetchUser ×312`).
public struct ChainGroup: Sendable, Hashable {
    /// The chains, in log order.
    public var chains: [Chain]

    /// The first chain, which stands for the group.
    public var representative: Chain { chains[0] }
    /// How many chains.
    public var count: Int { chains.count }
    /// Duration percentiles.
    public var durations: Percentiles { Percentiles(chains.map(\.duration)) }
    /// The shortest duration.
    public var minDuration: Double { chains.map(\.duration).min() ?? 0 }
    /// The earliest start.
    public var start: Double { chains.compactMap(\.start).min() ?? 0 }
    /// The label: `fetchUser` or `fetchUser ×312`.
    public var label: String { count == 1 ? representative.title : "\(representative.label) ×\(count)" }

    /// Groups chains by ``Chain/signature``, keeping the order of first appearance.
    public static func group(_ chains: [Chain]) -> [ChainGroup] {
        var index: [String: Int] = [:]
        var groups: [ChainGroup] = []
        for chain in chains {
            let key = chain.signature
            if let i = index[key] {
                groups[i].chains.append(chain)
            } else {
                index[key] = groups.count
                groups.append(ChainGroup(chains: [chain]))
            }
        }
        return groups
    }
}
