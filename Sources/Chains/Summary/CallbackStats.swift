/// Time spent in one callback (or action type), over every chain: a row of "slowest callbacks".
public struct CallbackStats: Sendable, Hashable, Codable {
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
}
