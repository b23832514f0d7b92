// What the benchmark executables share: their command line (`--json`, `--only a,b`, `--rounds N`), a monotonic
// clock, medians and the JSON line `bench/run.py` reads. Figures only: nothing here asserts a time.
import Foundation

/// The options every benchmark executable takes.
public struct BenchmarkArguments: Sendable {
    /// The arguments after the program name.
    public let values: [String]
    /// `--json`: print one JSON object per workload instead of a table.
    public let json: Bool
    /// `--only a,b`: the workloads to run (nil: all).
    public let only: Set<String>?

    public init(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
        values = arguments
        json = arguments.contains("--json")
        only = arguments.firstIndex(of: "--only").flatMap { flag in
            flag + 1 < arguments.count ? Set(arguments[flag + 1].split(separator: ",").map(String.init)) : nil
        }
    }

    /// `--rounds N` (a positive number), or `fallback`.
    public func rounds(default fallback: Int) -> Int {
        values.firstIndex(of: "--rounds").flatMap { flag in
            flag + 1 < values.count ? Int(values[flag + 1]).flatMap { $0 > 0 ? $0 : nil } : nil
        } ?? fallback
    }

    /// Exits with status 2 and a message on standard error if `--only` names a workload not in `known`.
    public func checkOnly(known: some Sequence<String>, program: String, hint: String = "") {
        guard let only else { return }
        let names = Set(known)
        if let unknown = only.sorted().first(where: { !names.contains($0) }) {
            FileHandle.standardError.write(Data("\(program): unknown workload \(unknown)\(hint)\n".utf8))
            exit(2)
        }
    }

    /// Whether `workload` is selected by `--only` (or there is no `--only`).
    public func selects(_ workload: String) -> Bool { only?.contains(workload) ?? true }
}

/// Nanoseconds on the monotonic clock.
public func nanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// The median of `samples` (the upper one of the middle two for an even count); `nan` when empty.
public func median(_ samples: [Double]) -> Double {
    guard !samples.isEmpty else { return .nan }
    let sorted = samples.sorted()
    return sorted[sorted.count / 2]
}

/// One result as `bench/run.py` reads it: `{"workload": ..., "value": ..., "unit": ...}` (`null` when missing).
public func jsonLine(_ workload: String, _ value: Double?, _ unit: String, decimals: Int = 3) -> String {
    let text = value.flatMap { $0.isFinite ? fixed($0, decimals: decimals) : nil } ?? "null"
    return "{\"workload\": \"\(workload)\", \"value\": \(text), \"unit\": \"\(unit)\"}"
}

/// `value` with `decimals` digits after the point.
public func fixed(_ value: Double, decimals: Int) -> String {
    String(format: "%.\(decimals)f", value)
}

/// How many lines (newline bytes) the file at `path` holds; 0 when it cannot be read. A plain loop over the
/// bytes: counting through a closure per byte in a program's top-level code took longer than the workload.
public func lineCount(ofFile path: String) -> Int {
    guard let data = FileManager.default.contents(atPath: path) else { return 0 }
    return data.withUnsafeBytes { bytes in
        var count = 0
        for byte in bytes where byte == 10 { count &+= 1 }
        return count
    }
}
