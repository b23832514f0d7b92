/// Nearest-rank percentiles of a set of durations.
public struct Percentiles: Sendable, Hashable, Encodable {
    /// Median.
    public var p50: Double
    /// 90th percentile.
    public var p90: Double
    /// 95th percentile.
    public var p95: Double
    /// 99th percentile.
    public var p99: Double
    /// Largest.
    public var max: Double
    /// How many values they are over.
    public var count: Int

    /// Computes percentiles (all zero for an empty input).
    public init(_ values: [Double]) {
        let sorted = values.sorted()
        func rank(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = Int((p * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.min(Swift.max(index, 0), sorted.count - 1)]
        }
        p50 = rank(0.5)
        p90 = rank(0.9)
        p95 = rank(0.95)
        p99 = rank(0.99)
        max = sorted.last ?? 0
        count = sorted.count
    }

    /// Percentiles already worked out (``LogHistogram``'s).
    init(p50: Double, p90: Double, p95: Double, p99: Double, max: Double, count: Int) {
        self.p50 = p50
        self.p90 = p90
        self.p95 = p95
        self.p99 = p99
        self.max = max
        self.count = count
    }

    enum CodingKeys: String, CodingKey { case p50, p90, p95, p99, max, count }

    /// Writes the percentiles, each `null` when there is no value (or it is not finite).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let known = count > 0
        try c.encodeFinite(known ? p50 : nil, forKey: .p50)
        try c.encodeFinite(known ? p90 : nil, forKey: .p90)
        try c.encodeFinite(known ? p95 : nil, forKey: .p95)
        try c.encodeFinite(known ? p99 : nil, forKey: .p99)
        try c.encodeFinite(known ? max : nil, forKey: .max)
        try c.encode(count, forKey: .count)
    }
}
