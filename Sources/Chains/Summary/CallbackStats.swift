/// Time spent in one callback (or action type), over every chain: a row of "slowest callbacks".
public struct CallbackStats: Sendable, Hashable, Encodable {
    /// The callback's name or the action type.
    public var name: String
    /// How many times it ran.
    public var calls: Int
    /// Total time, seconds.
    public var total: Double
    /// Duration percentiles.
    public var percentiles: Percentiles
    /// How many runs raised or failed.
    public var failures: Int

    /// Creates a row.
    public init(name: String, calls: Int, total: Double, percentiles: Percentiles, failures: Int) {
        self.name = name
        self.calls = calls
        self.total = total
        self.percentiles = percentiles
        self.failures = failures
    }

    enum CodingKeys: String, CodingKey { case name, calls, total, percentiles, failures }

    /// Writes the row; a non-finite total is `null`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(calls, forKey: .calls)
        try c.encodeFinite(total, forKey: .total)
        try c.encode(percentiles, forKey: .percentiles)
        try c.encode(failures, forKey: .failures)
    }
}
