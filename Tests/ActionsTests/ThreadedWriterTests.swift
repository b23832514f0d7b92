import Actions
import EventLog
import Foundation
import Synchronization
import Testing
import TestSupport

@Suite("Threaded writer")
struct ThreadedWriterTests {
    func temporaryPath() -> String {
        TestFixtures.scratch.appendingPathComponent("writer-\(UUID()).log").path
    }

    @Test("8 threads log at once and every message is in the file after stop()")
    func eightThreads() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = ThreadedWriter(destination: try FileDestination(path: path))
        let perThread = 2000
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            withLogDestination(writer) {
                for i in 0..<perThread {
                    logMessage("app:tick", fields: ["thread": .int(thread), "i": .int(i)])
                }
            }
        }
        writer.stop()
        let read = try EventLogReader(path: path).readAll()
        #expect(read.warnings.isEmpty)
        #expect(read.messages.count == 8 * perThread)
        var seen = Set<[Int]>()
        for (message, _) in read.messages {
            seen.insert([message.fields["thread"]?.intValue ?? -1, message.fields["i"]?.intValue ?? -1])
        }
        #expect(seen.count == 8 * perThread)
        #expect(writer.failureCount == 0)
    }

    @Test("a throwing destination is reported and later messages are still written")
    func throwingDestination() throws {
        final class Flaky: LogDestination {
            let memory = MemoryDestination()
            func write(_ message: EventMessage) throws {
                if message.fields["poison"] != nil { throw Refused() }
                memory.write(message)
            }
        }
        let flaky = Flaky()
        let writer = ThreadedWriter(destination: flaky)
        withLogDestination(writer) {
            logMessage("app:before")
            logMessage("app:poisoned", fields: ["poison": true])
            logMessage("app:after")
        }
        writer.stop()
        let types = flaky.memory.messages.map(\.messageType)
        // The report follows the batch the failed message was in, so only the set is fixed.
        #expect(types.sorted { ($0 ?? "") < ($1 ?? "") } == ["app:after", "app:before", "eliot:destination_failure"])
        #expect(types.firstIndex(of: "app:before")! < types.firstIndex(of: "app:after")!)
        let failure = try #require(flaky.memory.messages.first { $0.messageType == "eliot:destination_failure" })
        #expect(failure.exception == "ActionsTests.Refused" && failure.reason == "refused")
        #expect(failure.fields["message"]?.stringValue?.contains("app:poisoned") == true)
        #expect(writer.failureCount == 1 && writer.droppedCount == 0)
    }

    @Test("flush() waits for what was logged, and writes after stop() go straight through")
    func flushAndAfterStop() {
        let memory = MemoryDestination()
        let writer = ThreadedWriter(destination: memory)
        withLogDestination(writer) { logMessage("a") }
        writer.flush()
        #expect(memory.messages.count == 1)
        writer.stop()
        writer.stop()
        withLogDestination(writer) { logMessage("b") }
        #expect(memory.messages.map(\.messageType) == ["a", "b"])
    }

    @Test("a process that exits without stop() neither hangs nor loses what it logged")
    func exitWithoutStop() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        await #expect(processExitsWith: .success) { [path = path as String] in
            let writer = ThreadedWriter(destination: try! FileDestination(path: path))
            withLogDestination(writer) {
                for i in 0..<100 { logMessage("app:exiting", fields: ["i": .int(i)]) }
            }
            exit(0)
        }
        let read = try EventLogReader(path: path).readAll()
        #expect(read.messages.count == 100)
    }

    @Test("a full queue holds the producer for queueWait, then drops, counts, and says so in the log")
    func boundedQueue() throws {
        let stalled = StalledDestination()
        let writer = ThreadedWriter(destination: stalled, queueLimit: 10, queueWait: .milliseconds(20))
        withLogDestination(writer) { logMessage("app:first") }
        stalled.entered.wait()
        let started = ContinuousClock.now
        withLogDestination(writer) {
            for i in 0..<100 { logMessage("app:tick", fields: ["i": .int(i)]) }
        }
        let held = ContinuousClock.now - started
        // Held once for about queueWait, not once per message.
        #expect(held >= .milliseconds(20) && held < .seconds(1))
        #expect(writer.droppedCount == 90)
        stalled.release.signal()
        writer.stop()
        let types = stalled.memory.messages.map(\.messageType)
        #expect(types.filter { $0 == "app:tick" }.count == 10)
        let note = try #require(stalled.memory.messages.first { $0.messageType == MonitorVocabulary.Message.dropped.rawValue })
        #expect(note.fields[MonitorVocabulary.Field.count]?.intValue == 90)
        #expect(note.fields[MonitorVocabulary.Field.since]?.doubleValue != nil)
        #expect(writer.report.lost == 90 && writer.report.written == 11)
    }

    @Test("stop(timeout:) gives up on a stalled destination: at once for a timeout of 0 or less, after a short one")
    func stopTimeout() {
        let stalled = StalledDestination()
        let writer = ThreadedWriter(destination: stalled)
        withLogDestination(writer) { logMessage("app:first") }
        stalled.entered.wait()
        // A negative timeout once waited for ever; now, as 0, it does not wait.
        for timeout in [Duration.seconds(-1), .zero, .milliseconds(50)] {
            let started = ContinuousClock.now
            #expect(!writer.stop(timeout: timeout), "the destination is still stalled")
            let waited = ContinuousClock.now - started
            #expect(waited >= timeout && waited < timeout + .seconds(2), "\(timeout): waited \(waited)")
        }
        stalled.release.signal()
        #expect(writer.stop(timeout: .seconds(60)))
        #expect(stalled.memory.messages.map(\.messageType) == ["app:first"])
    }
}

/// A destination stalled (a hung disk) at its first message until released.
private final class StalledDestination: LogDestination {
    let memory = MemoryDestination()
    let release = DispatchSemaphore(value: 0)
    let entered = DispatchSemaphore(value: 0)
    let first = Atomic<Bool>(true)
    func write(_ message: EventMessage) throws {
        if first.exchange(false, ordering: .relaxed) {
            entered.signal()
            release.wait()
        }
        memory.write(message)
    }
}
