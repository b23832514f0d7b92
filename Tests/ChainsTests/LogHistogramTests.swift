import Foundation
import Testing
@testable import Chains

/// The bounded durations of a followed log: percentiles within 1% of the exact ones, in a few thousand buckets.
@Suite("A bounded summary: durations in a log histogram")
struct LogHistogramTests {
    /// Durations spread over nine orders of magnitude (1 µs to 1,000 s), some 0, deterministic.
    static func durations(_ count: Int) -> [Double] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { i in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            if i % 97 == 0 { return 0 }
            let u = Double(state >> 11) / Double(1 << 53)
            return 1e-6 * pow(10, 9 * u)
        }
    }

    @Test("every percentile within 1% of the exact one; the largest, the count and the total exact or nearly")
    func accuracy() {
        let values = Self.durations(200_000)
        var histogram = LogHistogram()
        for value in values { histogram.add(value) }
        let exact = Percentiles(values)
        let ours = histogram.percentiles
        for (a, b) in [(ours.p50, exact.p50), (ours.p90, exact.p90), (ours.p95, exact.p95), (ours.p99, exact.p99)] {
            #expect(abs(a - b) <= LogHistogram.accuracy * b, "\(a) vs \(b)")
        }
        #expect(ours.max == exact.max && ours.count == values.count)
        let total = values.reduce(0, +)
        #expect(abs(histogram.total - total) <= 1e-9 * total)
        // 9 decades at 2% a bucket: about 1,050 buckets, whatever the number of values.
        #expect(histogram.bucketCount < 1_200)
    }

    @Test("zeros, one value, and values no clock gives")
    func edges() {
        var histogram = LogHistogram()
        #expect(histogram.percentiles.count == 0)
        histogram.add(0)
        #expect(histogram.percentiles.p50 == 0 && histogram.percentiles.max == 0)
        var one = LogHistogram()
        one.add(0.25)
        #expect(one.percentiles.p50 == 0.25 && one.percentiles.p99 == 0.25)
        var odd = LogHistogram()
        odd.add(.infinity)
        odd.add(1e300)
        #expect(odd.percentiles.max == .infinity && odd.count == 2)
    }

    @Test("a bounded summary is the exact one while it holds few durations, and close after")
    func boundedSummary() {
        func summary(_ runs: Int, bounded: Bool) -> LogSummary {
            var accumulator = SummaryAccumulator(top: 10)
            accumulator.bounded = bounded
            let values = Self.durations(runs)
            for (i, value) in values.enumerated() {
                var chain = Chain(
                    id: "t\(i)", kind: .deferred, label: "D", deferredID: i + 1, outcome: .succeeded, start: 100,
                    end: 100 + value, file: "f.out", line: i + 1)
                chain.pairs = [
                    LadderPair(
                        index: 0, callback: "step", errback: nil,
                        run: ChainRun(index: 0, name: "step", side: .callback, start: 100, end: 100 + value))
                ]
                accumulator.add(chain, ordinal: i)
            }
            return accumulator.summary(inputs: ["f.out"], messages: runs, warnings: 0)
        }
        let few = (summary(1_000, bounded: true), summary(1_000, bounded: false))
        #expect(few.0.durations == few.1.durations && few.0.slowestCallbacks == few.1.slowestCallbacks)
        #expect(few.0.slowestChains == few.1.slowestChains && few.0.chains == few.1.chains)
        let many = (summary(20_000, bounded: true), summary(20_000, bounded: false))
        let (a, b) = (many.0.slowestCallbacks[0].percentiles, many.1.slowestCallbacks[0].percentiles)
        #expect(abs(a.p99 - b.p99) <= 0.0101 * b.p99 && a.max == b.max && a.count == b.count)
        #expect(abs(many.0.durations.p50 - many.1.durations.p50) <= 0.0101 * many.1.durations.p50)
    }
}
