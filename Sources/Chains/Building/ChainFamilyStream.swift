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
    /// The walks of roots that wait, by root.
    private var walks: [Int: Walk] = [:]
    /// The roots whose kept walks reached a chain, by that chain.
    private var walkers: [Int: [Int]] = [:]

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
        walks = [:]
        walkers = [:]
        return ChainFamily.group(rest)
    }

    /// The family of `root` if every chain it links to (directly or not) is held; otherwise `nil`, with the
    /// root noted as waiting for the first one missing.
    ///
    /// The walk of a root that waits is kept, and taken up where it stopped when the chain it waits for comes:
    /// starting over each time made a line of linked chains, or a fan-out, arriving one by one, quadratic. A walk
    /// that went through a chain since handed out in another family starts over, as it would have.
    private mutating func complete(_ root: Int) -> ChainFamily? {
        var walk = walks.removeValue(forKey: root) ?? Walk(root: root)
        if walk.stale { walk = Walk(root: root) }
        while let (index, from) = walk.stack.popLast() {
            let chain = held[index]!
            var position = from
            while position < chain.links.count {
                let link = chain.links[position]
                position += 1
                guard link.target != chain.deferredID else { continue }
                let key = Key(link, from: chain)
                guard let next = byID[key] else {
                    waiting[key, default: []].append(root)
                    walk.stack.append((index, position - 1))
                    for member in walk.reached[walk.registered...] { walkers[member, default: []].append(root) }
                    walk.registered = walk.reached.count
                    walks[root] = walk
                    return nil
                }
                if walk.seen.insert(next).inserted {
                    walk.stack.append((next, 0))
                    walk.reached.append(next)
                }
            }
        }
        var visited = Set<Int>()
        let family = ChainFamily.collect(
            root, chain: { self.held[$0]! }, target: { self.byID[$0] }, visited: &visited)
        for member in visited {
            let chain = held.removeValue(forKey: member)!
            for key in Key.keys(of: chain) where byID[key] == member { byID.removeValue(forKey: key) }
            // Walks that went through it start over when taken up; its own, if it waited as a root, is over.
            walks.removeValue(forKey: member)
            if let roots = walkers.removeValue(forKey: member) {
                for other in roots where other != root { walks[other]?.stale = true }
            }
        }
        return family
    }

    /// A root's walk over the chains it links to, kept while it waits.
    private struct Walk {
        /// The chains reached.
        var seen: Set<Int>
        /// The same, in the order reached, and how many of them are noted in ``ChainFamilyStream/walkers``.
        var reached: [Int]
        var registered = 0
        /// Chains still to follow, each with the first of its links not yet followed.
        var stack: [(index: Int, from: Int)]
        /// Whether a chain it reached was handed out since.
        var stale = false

        init(root: Int) {
            seen = [root]
            reached = [root]
            stack = [(root, 0)]
        }
    }
}
