#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Durations in bounded memory: counts in logarithmic buckets 2% wide, so that any percentile read from it is within
/// 1% of the exact one (a DDSketch), whatever the number of values, and never beyond the least or the largest. The
/// largest value, the count and the total are exact (the total summed in the order the values came).
///
/// For a log followed without end (`top`): ``SummaryAccumulator/bounded`` moves a list of durations into one once it
/// holds ``SummaryAccumulator/exactValues`` of them.
struct LogHistogram: Sendable, Hashable {
    /// The largest relative error of a percentile.
    static let accuracy = 0.01
    private static let gamma = (1 + accuracy) / (1 - accuracy)
    private static let logGamma = log(gamma)
    /// Values below this (a picosecond) count as 0.
    private static let smallest = 1e-12

    private(set) var count = 0
    private(set) var total = 0.0
    private(set) var largest = -Double.infinity
    private(set) var least = Double.infinity
    private var zeros = 0
    /// Values no bucket holds (not finite), with the largest one kept above.
    private var unbounded = 0
    private var buckets: [Int: Int] = [:]

    /// How many buckets it holds: the memory it takes (at most a few thousand for any durations a clock gives).
    var bucketCount: Int { buckets.count }

    /// A histogram of `values`, added in their order.
    init(_ values: some Sequence<Double> = []) {
        for value in values { add(value) }
    }

    mutating func add(_ value: Double) {
        count += 1
        total += value
        largest = max(largest, value)
        least = min(least, value)
        if !value.isFinite {
            unbounded += 1
        } else if value < Self.smallest {
            zeros += 1
        } else {
            buckets[Int((log(value) / Self.logGamma).rounded(.up)), default: 0] += 1
        }
    }

    /// The percentiles as ``Percentiles`` ranks them (the value at rank ⌈p·n⌉), each within ``accuracy`` of the
    /// exact one; the largest is exact.
    var percentiles: Percentiles {
        guard count > 0 else { return Percentiles([]) }
        let ordered = buckets.sorted { $0.key < $1.key }
        func value(_ p: Double) -> Double {
            let rank = min(max(Int((p * Double(count)).rounded(.up)), 1), count)
            var seen = zeros
            if rank <= seen { return 0 }
            for (index, n) in ordered {
                seen += n
                if rank <= seen {
                    // The bucket's middle, in relative terms: within `accuracy` of every value it holds.
                    let middle = 2 * pow(Self.gamma, Double(index)) / (Self.gamma + 1)
                    return max(min(middle, largest), least)
                }
            }
            return largest
        }
        return Percentiles(
            p50: value(0.5), p90: value(0.9), p95: value(0.95), p99: value(0.99), max: largest, count: count)
    }
}
