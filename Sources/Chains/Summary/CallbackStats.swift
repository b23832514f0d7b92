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

    /// The name a callback is counted under by name: names that differ only by a trailing member index
    /// (`DeferredList[7]`, `race[2]`, the pair an aggregate adds to each member) are one callback,
    /// `DeferredList[n]`. The pair itself keeps its index.
    public static func groupName(_ name: String) -> String {
        let utf8 = name.utf8
        guard utf8.last == UInt8(ascii: "]"), let open = utf8.lastIndex(of: UInt8(ascii: "[")) else { return name }
        let digits = utf8[utf8.index(after: open)..<utf8.index(before: utf8.endIndex)]
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return name
        }
        return String(name[..<open]) + "[n]"
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
