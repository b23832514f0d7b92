/// Which chains to show: `--task`, `--failed`, `--errors`, `--slowest N`, `--since`, `--until`.
public struct ChainSelection: Sendable, Hashable {
    /// Task ids or unique prefixes (or `#12` for a Deferred id); empty keeps all.
    public var tasks: [String]
    /// Keep only failed (or unhandled) chains.
    public var failedOnly: Bool
    /// Keep only chains where something raised: failed, unhandled, or recovered from a failure.
    public var errorsOnly: Bool
    /// Keep the N slowest.
    public var slowest: Int?
    /// Keep chains that end at or after this time (Unix seconds).
    public var since: Double?
    /// Keep chains that start at or before this time (Unix seconds).
    public var until: Double?

    /// Creates a selection; the default keeps everything.
    public init(
        tasks: [String] = [], failedOnly: Bool = false, errorsOnly: Bool = false, slowest: Int? = nil,
        since: Double? = nil, until: Double? = nil
    ) {
        self.tasks = tasks
        self.failedOnly = failedOnly
        self.errorsOnly = errorsOnly
        self.slowest = slowest
        self.since = since
        self.until = until
    }

    /// Whether the selection keeps everything.
    public var isEverything: Bool {
        tasks.isEmpty && !failedOnly && !errorsOnly && slowest == nil && since == nil && until == nil
    }

    /// Whether the selection can only be made with every chain at hand (`slowest` compares them all); if not,
    /// ``admits(_:)`` decides for each chain alone.
    public var needsWholeLog: Bool { slowest != nil }

    /// Whether `chain` passes every test that looks at one chain alone (all but `slowest`).
    public func admits(_ chain: Chain) -> Bool {
        admits(
            id: chain.id, deferredID: chain.deferredID, isFailure: chain.outcome.isFailure, raised: chain.raised,
            start: chain.start, end: chain.end)
    }

    /// ``admits(_:)`` for a chain's figures.
    func admits(_ chain: ChainFigures) -> Bool {
        admits(
            id: chain.id, deferredID: chain.deferredID, isFailure: chain.isFailure, raised: chain.raised,
            start: chain.start, end: chain.end)
    }

    private func admits(
        id: String, deferredID: Int?, isFailure: Bool, raised: Bool, start: Double?, end: Double?
    ) -> Bool {
        if !tasks.isEmpty && !tasks.contains(where: { matches(id, deferredID, $0) }) { return false }
        if failedOnly && !isFailure { return false }
        if errorsOnly && !raised { return false }
        if let since, (end ?? start ?? .infinity) < since { return false }
        if let until, (start ?? -.infinity) > until { return false }
        return true
    }

    /// The chains kept, in log order (slowest first with `slowest`).
    public func apply(to chains: [Chain]) -> [Chain] {
        var kept = chains.filter(admits)
        if let slowest {
            kept = Array(kept.sorted { $0.duration > $1.duration }.prefix(max(0, slowest)))
        }
        return kept
    }

    private func matches(_ id: String, _ deferredID: Int?, _ query: String) -> Bool {
        if query.hasPrefix("#"), let number = Int(query.dropFirst()) { return deferredID == number }
        return id == query || (query.count >= 4 && id.hasPrefix(query))
    }

    /// Reads a time: Unix seconds (`1795431274.5`) or ISO 8601 (`2026-11-23T10:54:34Z`, fractions allowed).
    public static func parseTime(_ text: String) -> Double? {
        if let seconds = Double(text) { return seconds }
        return ISOTime.parse(text)
    }
}
