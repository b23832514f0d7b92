import EventLog

/// Groups chains into ``ChainFamily``s as they stream in (from ``LogLoader/stream(_:_:)``), handing out each
/// family as soon as its root and every chain linked from it have arrived, so that `reactortrack tree` can
/// print a family and forget it.
///
/// A chain is held only while its family may still grow: a Deferred that another chain links to (the monitor
/// tracked it because another one returned or chained it, `tracked_by: chained`, or a message read before it
/// completed links to it, ``Chain/isLinkTarget``) waits for the chain that links to it, and a chain waits for
/// the chains it links to. What is still held at the end is grouped by ``ChainFamily/group(_:)``, in order of
/// first message. The families are the ones ``ChainFamily/group(_:)`` makes of the whole log, except where a
/// chain is linked from a chain that arrives after it was handed out as a root of its own: then the two are
/// shown apart.
public struct ChainFamilyStream: Sendable {
    private typealias Key = ChainFamily.Key

    /// Chains held, by ordinal.
    private var held: [Int: Chain] = [:]
    /// Held chains by Deferred (the first one, as ``ChainFamily/group(_:)`` resolves links).
    private var byID: [Key: Int] = [:]
    /// Roots waiting for a chain they link to, by that chain's Deferred.
    private var waiting: [Key: [Int]] = [:]

    /// Creates an empty stream.
    public init() {}

    /// The number of chains held back, waiting for their family to complete.
    public var heldCount: Int { held.count }

    /// Adds a chain; returns the families it completes, in the order they completed (often none, often one).
    ///
    /// - Parameters:
    ///   - chain: The chain.
    ///   - ordinal: Its place in first-message order (distinct for every chain).
    public mutating func add(_ chain: Chain, ordinal: Int) -> [ChainFamily] {
        guard chain.deferredID != nil else {
            // An action tree or a lone message is a family of its own, unless Deferred chains were tracked
            // inside the action: then it waits for them, as a chain waits for the chains it links to.
            guard !chain.links.isEmpty else { return [ChainFamily(members: [ChainFamily.Member(chain: chain, depth: 0)])] }
            held[ordinal] = chain
            return complete(ordinal).map { [$0] } ?? []
        }
        held[ordinal] = chain
        var families: [ChainFamily] = []
        var awaited = false
        for key in Key.keys(of: chain) {
            if byID[key] == nil { byID[key] = ordinal }
            guard let roots = waiting.removeValue(forKey: key) else { continue }
            awaited = true
            for root in roots where held[root] != nil {
                if let family = complete(root) { families.append(family) }
            }
        }
        if !awaited && chain.trackedBy != MonitorVocabulary.TrackedBy.chained.rawValue && !chain.isLinkTarget {
            if let family = complete(ordinal) { families.append(family) }
        }
        return families
    }

    /// The families of every chain still held, as ``ChainFamily/group(_:)`` makes them, in order of first
    /// message; the stream is empty afterwards.
    public mutating func finish() -> [ChainFamily] {
        let rest = held.sorted { $0.key < $1.key }.map(\.value)
        held = [:]
        byID = [:]
        waiting = [:]
        return ChainFamily.group(rest)
    }

    /// The family of `root` if every chain it links to (directly or not) is held; otherwise `nil`, with the
    /// root noted as waiting for the first one missing.
    private mutating func complete(_ root: Int) -> ChainFamily? {
        var seen: Set<Int> = [root]
        var stack = [root]
        while let index = stack.popLast() {
            let chain = held[index]!
            for link in chain.links where link.target != chain.deferredID {
                let key = Key(link, from: chain)
                guard let next = byID[key] else {
                    waiting[key, default: []].append(root)
                    return nil
                }
                if seen.insert(next).inserted { stack.append(next) }
            }
        }
        var visited = Set<Int>()
        let held = self.held
        let byID = self.byID
        let family = ChainFamily.collect(root, chain: { held[$0]! }, target: { byID[$0] }, visited: &visited)
        for member in visited {
            let chain = self.held.removeValue(forKey: member)!
            for key in Key.keys(of: chain) where self.byID[key] == member { self.byID.removeValue(forKey: key) }
        }
        return family
    }
}
