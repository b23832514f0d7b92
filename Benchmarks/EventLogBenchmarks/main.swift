// Prints throughput figures for the mon.out writer, actions and reader. Figures only: no assertions.
//
//     swift run -c release EventLogBenchmarks [megabytes-for-reader]
import Actions
import EventLog
import Foundation

func measure(_ label: String, count: Int, unit: String, _ body: () throws -> Void) rethrows {
    let clock = ContinuousClock()
    let elapsed = try clock.measure(body)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(count) / seconds
    print(
        label.padding(toLength: 40, withPad: " ", startingAt: 0)
            + String(format: "%12.0f %@/s  (%.3f s)", rate, unit, seconds))
}

let messages = 200_000
let actions = 100_000
let directory = FileManager.default.temporaryDirectory

// Messages and actions into memory.
let memory = MemoryDestination()
withLogDestination(memory) {
    measure("messages -> memory", count: messages, unit: "msg") {
        withAction("bench:outer") { _ in
            for i in 0..<messages { logMessage("bench:tick", fields: ["i": .int(i)]) }
        }
    }
}
memory.clear()
withLogDestination(memory) {
    measure("actions -> memory (2 messages each)", count: actions, unit: "act") {
        for i in 0..<actions { withAction("bench:act", fields: ["i": .int(i)]) { _ in } }
    }
}
memory.clear()

// Messages and actions through the threaded writer into a file, including stop().
let writerPath = directory.appendingPathComponent("eventlog-bench-writer.log").path
do {
    let writer = ThreadedWriter(destination: try FileDestination(path: writerPath, append: false))
    measure("messages -> threaded file writer", count: messages, unit: "msg") {
        withLogDestination(writer) {
            withAction("bench:outer") { _ in
                for i in 0..<messages { logMessage("bench:tick", fields: ["i": .int(i)]) }
            }
        }
        writer.flush()
    }
    measure("actions -> threaded file writer", count: actions, unit: "act") {
        withLogDestination(writer) {
            for i in 0..<actions { withAction("bench:act", fields: ["i": .int(i)]) { _ in } }
        }
        writer.stop()
    }
}

// The reader on a large generated file.
let megabytes = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 50 : 50
let readerPath = directory.appendingPathComponent("eventlog-bench-reader.log").path
do {
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
    var lines = 0
    let clock = ContinuousClock()
    let elapsed = try clock.measure {
        for entry in try EventLogReader(path: readerPath) {
            if case .message = entry { lines += 1 }
        }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print(
        "reader (EventLogReader, file)".padding(toLength: 40, withPad: " ", startingAt: 0)
            + String(format: "%12.1f MB/s  (%.0f MB, %d lines, %.3f s)", size / seconds, size, lines, seconds))
    let groupElapsed = try clock.measure { _ = TaskGrouper.group(try EventLogReader(path: readerPath)) }
    let groupSeconds = Double(groupElapsed.components.seconds) + Double(groupElapsed.components.attoseconds) / 1e18
    print(
        "reader + TaskGrouper".padding(toLength: 40, withPad: " ", startingAt: 0)
            + String(format: "%12.1f MB/s", size / groupSeconds))
}
try? FileManager.default.removeItem(atPath: writerPath)
try? FileManager.default.removeItem(atPath: readerPath)
