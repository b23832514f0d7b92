// Prints throughput figures for the mon.out writer, actions and reader. Figures only: no assertions.
//
//     swift run -c release EventLogBenchmarks [megabytes-for-reader]
//     EventLogBenchmarks --json [--only a,b] [megabytes]   one JSON object per workload:
//                                                          {"workload": ..., "value": ..., "unit": ...}
//
// Workloads: messages_memory, actions_memory, messages_threaded_file, actions_threaded_file (a warm-up, then
// the median of 3 rounds; the threaded-writer ones time logging plus `stop()`, which returns once everything
// is in the file), reader, reader_grouper (one round on a generated file; human mode and `--only` only).
import Actions
import BenchmarkSupport
import EventLog
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let options = BenchmarkArguments()
let arguments = options.values
let json = options.json
let only = options.only
options.checkOnly(
    known: [
        "messages_memory", "actions_memory", "messages_threaded_file", "actions_threaded_file", "reader",
        "reader_grouper",
    ], program: "EventLogBenchmarks")
/// Whether to run `workload`: the ones named by `--only`, or all of them (the reader only outside `--json`).
func selected(_ workload: String) -> Bool {
    if let only { return only.contains(workload) }
    return !(json && workload.hasPrefix("reader"))
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Reports `count / seconds` for one workload, as a human line or a JSON line.
func report(_ workload: String, _ label: String, count: Int, unit: String, seconds: Double) {
    let rate = Double(count) / seconds
    if json {
        print(jsonLine(workload, rate, "\(unit)/s", decimals: 1))
        fflush(nil)
    } else {
        print(
            label.padding(toLength: 40, withPad: " ", startingAt: 0)
                + String(format: "%12.0f %@/s  (%.3f s)", rate, unit, seconds))
    }
}

/// Runs `body` once to warm up, then 3 times, and reports the median rate. `prepare` runs untimed before each.
func measure<Prepared>(
    _ workload: String, _ label: String, count: Int, unit: String, prepare: () -> Prepared,
    _ body: (Prepared) -> Void
) {
    guard selected(workload) else { return }
    let clock = ContinuousClock()
    var samples: [Double] = []
    for round in 0..<4 {
        let prepared = prepare()
        let elapsed = clock.measure { body(prepared) }
        if round > 0 { samples.append(seconds(elapsed)) }
    }
    report(workload, label, count: count, unit: unit, seconds: median(samples))
}

let messages = 200_000
let actions = 100_000
let directory = FileManager.default.temporaryDirectory

// Messages and actions into memory.
measure("messages_memory", "messages -> memory", count: messages, unit: "msg", prepare: { MemoryDestination() }) { memory in
    withLogDestination(memory) {
        withAction("bench:outer") { _ in
            for i in 0..<messages { logMessage("bench:tick", fields: ["i": .int(i)]) }
        }
    }
}
measure("actions_memory", "actions -> memory (2 messages each)", count: actions, unit: "act", prepare: { MemoryDestination() }) { memory in
    withLogDestination(memory) {
        for i in 0..<actions { withAction("bench:act", fields: ["i": .int(i)]) { _ in } }
    }
}

// Messages and actions through the threaded writer into a file, including stop() (everything written).
let writerPath = directory.appendingPathComponent("eventlog-bench-writer-\(getpid()).log").path
func makeWriter() -> ThreadedWriter {
    do {
        return ThreadedWriter(destination: try FileDestination(path: writerPath, append: false))
    } catch {
        FileHandle.standardError.write(Data("EventLogBenchmarks: cannot open \(writerPath): \(error)\n".utf8))
        exit(1)
    }
}
measure("messages_threaded_file", "messages -> threaded file writer", count: messages, unit: "msg", prepare: makeWriter) { writer in
    withLogDestination(writer) {
        withAction("bench:outer") { _ in
            for i in 0..<messages { logMessage("bench:tick", fields: ["i": .int(i)]) }
        }
    }
    writer.stop()
}
measure("actions_threaded_file", "actions -> threaded file writer", count: actions, unit: "act", prepare: makeWriter) { writer in
    withLogDestination(writer) {
        for i in 0..<actions { withAction("bench:act", fields: ["i": .int(i)]) { _ in } }
    }
    writer.stop()
}
try? FileManager.default.removeItem(atPath: writerPath)

// The reader on a large generated file.
let megabytes = arguments.compactMap { Int($0) }.first ?? 50
let readerPath = directory.appendingPathComponent("eventlog-bench-reader-\(getpid()).log").path
if selected("reader") || selected("reader_grouper") {
    _ = FileManager.default.createFile(atPath: readerPath, contents: nil)
    let encoder = EventLogEncoder()
    var batch: [UInt8] = []
    var written = 0
    var task = 0
    let handle = FileHandle(forWritingAtPath: readerPath)!
    while written < megabytes << 20 {
        let uuid = UUID().uuidString.lowercased()
        let t = 1_795_431_274.1204383 + Double(task)
        encoder.append(
            EventMessage(
                taskUUID: uuid, taskLevel: [1], timestamp: t, actionType: "bench:fetch", actionStatus: .started,
                fields: ["url": .string("https://example.invalid/item/\(task)"), "attempt": 1]), to: &batch)
        encoder.append(
            EventMessage(
                taskUUID: uuid, taskLevel: [2], timestamp: t + 0.001, messageType: "bench:received",
                fields: ["bytes": .int(task * 17), "headers": ["content-type": "application/json"]]), to: &batch)
        encoder.append(
            EventMessage(
                taskUUID: uuid, taskLevel: [3], timestamp: t + 0.002, actionType: "bench:fetch",
                actionStatus: .failed, exception: "Bench.Timeout", reason: "timed out after 30 s"), to: &batch)
        task += 1
        if batch.count > 1 << 20 {
            handle.write(Data(batch))
            written += batch.count
            batch.removeAll(keepingCapacity: true)
        }
    }
    handle.write(Data(batch))
    written += batch.count
    try handle.close()

    let size = Double(written) / 1_048_576
    let clock = ContinuousClock()
    if selected("reader") {
        var lines = 0
        let elapsed = try clock.measure {
            for entry in try EventLogReader(path: readerPath) {
                if case .message = entry { lines += 1 }
            }
        }
        if json {
            report("reader", "", count: Int(size), unit: "MB", seconds: seconds(elapsed))
        } else {
            print(
                "reader (EventLogReader, file)".padding(toLength: 40, withPad: " ", startingAt: 0)
                    + String(
                        format: "%12.1f MB/s  (%.0f MB, %d lines, %.3f s)", size / seconds(elapsed), size, lines,
                        seconds(elapsed)))
        }
    }
    if selected("reader_grouper") {
        let groupElapsed = try clock.measure { _ = TaskGrouper.group(try EventLogReader(path: readerPath)) }
        if json {
            report("reader_grouper", "", count: Int(size), unit: "MB", seconds: seconds(groupElapsed))
        } else {
            print(
                "reader + TaskGrouper".padding(toLength: 40, withPad: " ", startingAt: 0)
                    + String(format: "%12.1f MB/s", size / seconds(groupElapsed)))
        }
    }
}
try? FileManager.default.removeItem(atPath: readerPath)
