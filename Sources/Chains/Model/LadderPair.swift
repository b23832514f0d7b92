/// One callback/errback pair of a Deferred, with what happened to it in this run.
public struct LadderPair: Sendable, Hashable {
    /// What became of the pair.
    public enum Fate: String, Sendable, Hashable, Codable, CaseIterable {
        /// One of its halves ran (see ``LadderPair/run``).
        case ran
        /// The chain passed it on the path whose half is a pass-through.
        case passedThrough
        /// The chain never got this far before the log ends.
        case notReached
        /// It had run (or been passed) before the monitor tracked the Deferred: no timing, no values.
        case beforeTracking
    }

    /// The 0-based pair index.
    public var index: Int
    /// The callback's name; `nil` for a pass-through half.
    public var callback: String?
    /// The errback's name; `nil` for a pass-through half.
    public var errback: String?
    /// Where it was added (`File.swift:20`).
    public var site: String?
    /// The run of one of its halves.
    public var run: ChainRun?
    /// A wait that began when this pair's callback returned an unfired Deferred.
    public var wait: ChainWait?
    /// What became of the pair.
    public var fate: Fate
    /// The path the chain was on when it reached this pair.
    public var pathIn: LadderSide?
    /// The path the chain was on after the pair.
    public var pathOut: LadderSide?

    /// Creates a pair.
    public init(
        index: Int, callback: String?, errback: String?, site: String? = nil, run: ChainRun? = nil,
        wait: ChainWait? = nil, fate: Fate = .notReached, pathIn: LadderSide? = nil, pathOut: LadderSide? = nil
    ) {
        self.index = index
        self.callback = callback
        self.errback = errback
        self.site = site
        self.run = run
        self.wait = wait
        self.fate = fate
        self.pathIn = pathIn
        self.pathOut = pathOut
    }

    /// The name on a side, or `nil` for a pass-through half.
    public func name(on side: LadderSide) -> String? {
        side == .callback ? callback : errback
    }
}
