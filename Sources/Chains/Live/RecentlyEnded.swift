/// The chains that ended last, as ``TopAccumulator`` meets them: of those that ended within ``retain`` of the
/// latest moment seen, the ``limit`` latest. The rest retire to the counts.
///
/// Chains are met roughly in the order they end, so the rows are kept in a buffer of twice the limit, pruned when
/// full: memory bounded by the limit however long the log, and n log(limit) work in all.
struct RecentlyEnded: Sendable {
    /// Seconds an ended chain stays listed (0: none is).
    var retain: Double
    /// The most rows listed.
    let limit: Int
    private var rows: [(ordinal: Int, row: TopSnapshot.EndedRow)] = []

    init(retain: Double, limit: Int) {
        self.retain = retain
        self.limit = limit
    }

    /// Keeps `row` unless it ended more than ``retain`` before `asOf`, the latest moment seen so far (which only grows:
    /// what is out of it now stays out).
    mutating func add(_ row: TopSnapshot.EndedRow, ordinal: Int, asOf: Double?) {
        guard retain > 0, limit > 0, row.end.isFinite else { return }
        if let asOf, asOf - row.end > retain { return }
        rows.append((ordinal, row))
        if rows.count >= 2 * limit { prune(asOf: asOf) }
    }

    /// The rows listed as of `asOf`: ended within the retention, the latest end first (as late, the later chain in
    /// the log first), at most ``limit``.
    func listed(asOf: Double?) -> [TopSnapshot.EndedRow] {
        var kept = self
        kept.prune(asOf: asOf)
        return kept.rows.map(\.row)
    }

    /// Drops the rows out of the retention of `asOf`, then all but the ``limit`` latest; the rest in order.
    private mutating func prune(asOf: Double?) {
        if let asOf { rows.removeAll { asOf - $0.row.end > retain } }
        // Ordered by end, then by place in the log: a total order, so what is kept does not depend on the order in
        // which the chains were met.
        rows.sort { a, b in a.row.end != b.row.end ? a.row.end > b.row.end : a.ordinal > b.ordinal }
        if rows.count > limit { rows.removeLast(rows.count - limit) }
    }
}
