// Prints what tracking costs: ns per callback for an untracked 10-callback chain, the same chain tracked by a
// buffered JSONMonitor and by a streaming one, and the events/s the streaming writer sustains. Figures only.
//
//     MonitorBenchmarks             human-readable figures
//     MonitorBenchmarks --json [--only a,b]   one JSON object per workload: {"workload": ..., "value": ..., "unit": ...}
//     MonitorBenchmarks --rounds N            timed rounds per measurement (default 5)
//     MonitorBenchmarks --chains N            chains of 10 callbacks per round (default 20,000)
//
// Workloads: untracked_callback, tracked_callback_buffered, tracked_callback_streaming, streaming_events (the
// last two come from the same measurement), and streaming_8_threads_events, streaming_8_threads_rss_mb,
// streaming_8_threads_lost (8 threads tracking flat out into one streaming monitor with its default backlog
// bound: events written per second until stop() returned, the process's peak memory, events lost to the bound;
// run it alone for the memory figure to be its own), streaming_8_threads_write_floor (the same bytes written to
// a file of the same directory a megabyte at a time, right after: the events/s the file system alone allows),
// and tracked_callback_spans (the buffered monitor with a TracingMonitor companion emitting every chain and run
// as a span, into swift-distributed-tracing's in-memory tracer: the cost of span emission beside the plain
// monitor's), and tracked_callback_spans_noop (the same into
// swift-distributed-tracing's no-op tracer: what the companion itself costs, without a backend), and
// tracked_callback_values_full / _short / _none (the buffered monitor on chains whose values are a struct of the
// user's, which `.full` describes and `.short` and `.none` do not: what describing values costs), and
// chains_10m_rss_growth_mb (10,000,000 chains tracked, run and released in one process by one monitor, which keeps
// no events (its buffer bound is 1): how much the resident memory grew between the first million and the tenth,
// that is what the monitor keeps per chain that has ended; run it alone), and tracked_callback_flight (the monitor
// as a flight recorder keeping the last 100,000 events, no triggers: what keeping only the recent past costs), and
// tracked_callback_dumped (the buffered monitor, then `dump(to:)`: recording and encoding every line on one thread,
// the writer thread's work without its timing, which `make perf-check` counts).
import Actions
import BenchmarkSupport
import Defer
import Foundation
import InMemoryTracing
import Monitor
import MonitorTracing
import Tracing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let arguments = BenchmarkArguments()
/// Timed rounds per measurement (`--rounds N`, default 5).
let innerRounds = arguments.rounds(default: 5)

/// Median ns per callback over `rounds` rounds of `chains` chains of 10 callbacks.
func measure(
    rounds: Int = innerRounds, chains: Int, finish: (JSONMonitor) -> Void = { $0.stop() },
    monitor makeMonitor: () -> JSONMonitor?
) -> (perCallback: Double, seconds: Double) {
    var samples: [Double] = []
    var seconds = 0.0
    for round in 0..<rounds {
        let monitor = makeMonitor()
        let start = nanoseconds()
        for i in 0..<chains {
            let d = Deferred<Int>()
            monitor?.track(d, label: "bench")
            var chain = d.addCallback(label: "step") { $0 &+ 1 }
            for _ in 0..<9 { chain = chain.addCallback(label: "step") { $0 &+ 1 } }
            try? d.callback(i)
        }
        if let monitor { finish(monitor) }
        let elapsed = nanoseconds() - start
        samples.append(Double(elapsed) / Double(chains * 10))
        if round == rounds - 1 { seconds = Double(elapsed) / 1e9 }
    }
    return (median(samples), seconds)
}

/// A value of the user's own type: what `values: .full` must describe (an `Int` takes a short path under every
/// policy).
struct Reading: Sendable {
    var sensor: Int
    var celsius: Double
}

/// `measure`, on chains of ten callbacks passing a `Reading` on.
func measureValues(chains: Int, monitor makeMonitor: () -> JSONMonitor) -> (perCallback: Double, seconds: Double) {
    var samples: [Double] = []
    var seconds = 0.0
    for round in 0..<innerRounds {
        let monitor = makeMonitor()
        let start = nanoseconds()
        for i in 0..<chains {
            let d = Deferred<Reading>()
            monitor.track(d, label: "bench")
            var chain = d.addCallback(label: "step") { Reading(sensor: $0.sensor &+ 1, celsius: $0.celsius) }
            for _ in 0..<9 { chain = chain.addCallback(label: "step") { Reading(sensor: $0.sensor &+ 1, celsius: $0.celsius) } }
            try? d.callback(Reading(sensor: i, celsius: 21.5))
        }
        monitor.stop()
        let elapsed = nanoseconds() - start
        samples.append(Double(elapsed) / Double(chains * 10))
        if round == innerRounds - 1 { seconds = Double(elapsed) / 1e9 }
    }
    return (median(samples), seconds)
}

let only = arguments.only
arguments.checkOnly(
    known: [
        "untracked_callback", "tracked_callback_buffered", "tracked_callback_streaming", "streaming_events",
        "streaming_8_threads_events", "streaming_8_threads_rss_mb", "streaming_8_threads_lost",
        "streaming_8_threads_write_floor", "tracked_callback_spans", "tracked_callback_spans_noop", "tracked_callback_values_full",
        "tracked_callback_values_short",
        "tracked_callback_values_none", "chains_10m_rss_growth_mb", "tracked_callback_flight",
        "tracked_callback_dumped",
    ],
    program: "MonitorBenchmarks")
let runStreaming = only.map { !$0.isDisjoint(with: ["tracked_callback_streaming", "streaming_events"]) } ?? true
let noFigure = (perCallback: Double.nan, seconds: 0.0)

/// 8 threads, each tracking `chains` chains of 10 callbacks into one streaming monitor, flat out; and the floor
/// the file system sets: the same number of bytes written to a file of the same directory, a megabyte at a time
/// (what the writer thread's writes cost in the kernel alone, given as the events/s it would allow).
func streamingFromThreads(
    chains: Int
) -> (eventsPerSecond: Double, rssMB: Double, lost: Double, floorEventsPerSecond: Double) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("reactortrack-bench8-\(getpid()).out").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    guard let monitor = try? JSONMonitor(streamingTo: path) else { return (.nan, .nan, .nan, .nan) }
    let start = nanoseconds()
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
        for i in 0..<chains {
            let d = Deferred<Int>()
            monitor.track(d, label: "bench")
            var chain = d.addCallback(label: "step") { $0 &+ 1 }
            for _ in 0..<9 { chain = chain.addCallback(label: "step") { $0 &+ 1 } }
            try? d.callback(i)
        }
    }
    let report = monitor.stop()
    let seconds = Double(nanoseconds() - start) / 1e9
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    let written = Double(report?.written ?? 0)
    let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    try? FileManager.default.removeItem(atPath: path)
    let floorSeconds = writeSeconds(bytes: bytes, to: path + ".floor")
    return (written / seconds, Double(usage.ru_maxrss) / 1024, Double(report?.lost ?? 0), written / floorSeconds)
}

/// How long writing `bytes` bytes to a new file at `path` takes, a megabyte at a time (the file is removed after).
func writeSeconds(bytes: Int, to path: String) -> Double {
    defer { try? FileManager.default.removeItem(atPath: path) }
    guard bytes > 0, FileManager.default.createFile(atPath: path, contents: nil),
        let file = FileHandle(forWritingAtPath: path)
    else { return .nan }
    let megabyte = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
    let start = nanoseconds()
    var left = bytes
    while left > 0 {
        let count = min(left, megabyte.count)
        guard (try? file.write(contentsOf: count == megabyte.count ? megabyte : megabyte.prefix(count))) != nil else {
            return .nan
        }
        left -= count
    }
    try? file.close()
    return Double(nanoseconds() - start) / 1e9
}

let threadNames: Set<String> = [
    "streaming_8_threads_events", "streaming_8_threads_rss_mb", "streaming_8_threads_lost",
    "streaming_8_threads_write_floor",
]
if let only, only.isSubset(of: threadNames) {
    // Alone, so that the peak memory is this workload's.
    let figures = streamingFromThreads(chains: 25_000)
    let rows: [(String, Double, String)] = [
        ("streaming_8_threads_events", figures.eventsPerSecond, "events/s"),
        ("streaming_8_threads_rss_mb", figures.rssMB, "MB"), ("streaming_8_threads_lost", figures.lost, "events"),
        ("streaming_8_threads_write_floor", figures.floorEventsPerSecond, "events/s"),
    ]
    for (name, value, unit) in rows where arguments.selects(name) {
        print(arguments.json ? jsonLine(name, value, unit) : "\(name): \(String(format: "%.1f", value)) \(unit)")
    }
    exit(0)
}

/// The process's resident memory now, in MB.
func residentMB() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return .nan }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Double(fields[1]) else { return .nan }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}

if only == ["chains_10m_rss_growth_mb"] {
    // Alone, so that the memory is this workload's. Each chain ends when released: its record must go.
    let monitor = JSONMonitor(bufferLimit: 1)
    var atFirstMillion = Double.nan
    for i in 0..<10_000_000 {
        let d = Deferred<Int>()
        monitor.track(d, label: "bench")
        d.addCallback(label: "step") { $0 &+ 1 }
        try? d.callback(i)
        if i == 999_999 { atFirstMillion = residentMB() }
    }
    let growth = residentMB() - atFirstMillion
    print(arguments.json ? jsonLine("chains_10m_rss_growth_mb", growth, "MB") : "chains_10m_rss_growth_mb: \(String(format: "%.1f", growth)) MB")
    exit(0)
}

/// `--chains N`: chains per round (default 20,000); `make perf-check` runs two sizes to cancel fixed costs.
let chains = arguments.values.firstIndex(of: "--chains").flatMap { flag in
    flag + 1 < arguments.values.count ? Int(arguments.values[flag + 1]).flatMap { $0 > 0 ? $0 : nil } : nil
} ?? 20_000
let untracked = measure(chains: chains) { nil }
let buffered = only.map { $0.contains("tracked_callback_buffered") } ?? true
    ? measure(chains: chains) { JSONMonitor(bufferLimit: 10_000_000) } : noFigure
let valuesFull = only.map { $0.contains("tracked_callback_values_full") } ?? true
    ? measureValues(chains: chains) { JSONMonitor(bufferLimit: 10_000_000, values: .full) } : noFigure
let valuesShort = only.map { $0.contains("tracked_callback_values_short") } ?? true
    ? measureValues(chains: chains) { JSONMonitor(bufferLimit: 10_000_000, values: .short) } : noFigure
let valuesNone = only.map { $0.contains("tracked_callback_values_none") } ?? true
    ? measureValues(chains: chains) { JSONMonitor(bufferLimit: 10_000_000, values: .none) } : noFigure
let spans = only.map { $0.contains("tracked_callback_spans") } ?? true
    ? measure(chains: chains) {
        JSONMonitor(bufferLimit: 10_000_000, companion: TracingMonitor(tracer: InMemoryTracer()))
    } : noFigure
let spansNoop = only.map { $0.contains("tracked_callback_spans_noop") } ?? true
    ? measure(chains: chains) {
        JSONMonitor(bufferLimit: 10_000_000, companion: TracingMonitor(tracer: NoOpTracer()))
    } : noFigure
let dumpPath = FileManager.default.temporaryDirectory.appendingPathComponent("reactortrack-dump-\(getpid()).out").path
let dumped = only.map { $0.contains("tracked_callback_dumped") } ?? true
    ? measure(chains: chains, finish: { try? $0.dump(to: dumpPath) }) { JSONMonitor(bufferLimit: 10_000_000) } : noFigure
try? FileManager.default.removeItem(atPath: dumpPath)
let flight = only.map { $0.contains("tracked_callback_flight") } ?? true
    ? measure(chains: chains) { JSONMonitor(flightRecorder: FlightRecorder(events: 100_000)) } : noFigure
let path = FileManager.default.temporaryDirectory.appendingPathComponent("reactortrack-bench-\(getpid()).out").path
var streamedEvents = 0
let streaming = runStreaming
    ? measure(chains: chains) {
        try? FileManager.default.removeItem(atPath: path)
        return try? JSONMonitor(streamingTo: path)
    } : noFigure
if runStreaming { streamedEvents = lineCount(ofFile: path) }
try? FileManager.default.removeItem(atPath: path)

if arguments.json {
    let figures: [(String, Double, String)] = [
        ("untracked_callback", untracked.perCallback, "ns/callback"),
        ("tracked_callback_buffered", buffered.perCallback, "ns/callback"),
        ("tracked_callback_values_full", valuesFull.perCallback, "ns/callback"),
        ("tracked_callback_values_short", valuesShort.perCallback, "ns/callback"),
        ("tracked_callback_values_none", valuesNone.perCallback, "ns/callback"),
        ("tracked_callback_spans", spans.perCallback, "ns/callback"),
        ("tracked_callback_spans_noop", spansNoop.perCallback, "ns/callback"),
        ("tracked_callback_streaming", streaming.perCallback, "ns/callback"),
        ("tracked_callback_dumped", dumped.perCallback, "ns/callback"),
        ("tracked_callback_flight", flight.perCallback, "ns/callback"),
        ("streaming_events", Double(streamedEvents) / max(streaming.seconds, 1e-9), "events/s"),
    ]
    for (name, value, unit) in figures where arguments.selects(name) { print(jsonLine(name, value, unit)) }
    exit(0)
}

func figure(_ value: Double) -> String { String(format: "%9.1f ns", value) }
print("Monitor benchmarks (release, median of \(innerRounds) rounds, \(chains) chains of 10 callbacks)")
print("untracked chain, per callback               \(figure(untracked.perCallback))")
print("tracked, buffered monitor, per callback     \(figure(buffered.perCallback))   (\(String(format: "%.1f", buffered.perCallback / untracked.perCallback))x untracked)")
print("tracked, a struct, values: .full          \(figure(valuesFull.perCallback))   (\(String(format: "%.1f", valuesFull.perCallback / untracked.perCallback))x untracked)")
print("tracked, a struct, values: .short         \(figure(valuesShort.perCallback))   (\(String(format: "%.1f", valuesShort.perCallback / untracked.perCallback))x untracked)")
print("tracked, a struct, values: .none          \(figure(valuesNone.perCallback))   (\(String(format: "%.1f", valuesNone.perCallback / untracked.perCallback))x untracked)")
print("tracked, with live spans, per callback     \(figure(spans.perCallback))   (\(String(format: "%.1f", spans.perCallback / untracked.perCallback))x untracked)")
print("tracked, spans to a no-op tracer           \(figure(spansNoop.perCallback))   (\(String(format: "%.1f", spansNoop.perCallback / untracked.perCallback))x untracked)")
print("tracked, streaming monitor, per callback    \(figure(streaming.perCallback))   (\(String(format: "%.1f", streaming.perCallback / untracked.perCallback))x untracked)")
print("tracked, buffered, then dump(to:)          \(figure(dumped.perCallback))   (\(String(format: "%.1f", dumped.perCallback / untracked.perCallback))x untracked)")
print("tracked, flight recorder, per callback     \(figure(flight.perCallback))   (\(String(format: "%.2f", flight.perCallback / buffered.perCallback))x the buffered monitor)")
print("streaming: \(streamedEvents) lines written, \(String(format: "%.0f", Double(streamedEvents) / max(streaming.seconds, 1e-9))) events/s sustained (including stop())")
