import Actions
import Defer
import EventLog
import Foundation
@testable import Monitor
import NIOConcurrencyHelpers
import Testing
import TestSupport

/// Carries a Deferred from one thread to the next: the lock that hands it over orders everything the first
/// thread did to it before everything the second does (the threading contract: one thread at a time).
private final class Handoff: @unchecked Sendable {
    private let queue = NIOLockedValueBox<[Deferred<Int>]>([])

    func put(_ d: Deferred<Int>) { queue.withLockedValue { $0.append(d) } }

    func take() -> Deferred<Int>? {
        queue.withLockedValue { $0.isEmpty ? nil : $0.removeFirst() }
    }
}

@Suite("The monitor under stress")
struct MonitorStressTests {
    static let threads = 8
    static let chainsPerThread = 400

    @Test("many threads, chains moving between threads, stop() during recording: the log stays whole")
    func manyThreadsMovingChainsStopMidway() throws {
        let path = TestFixtures.scratch.appendingPathComponent("mon-stress-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let monitor = try JSONMonitor(streamingTo: path, followChained: true)
        let handoffs = (0..<Self.threads).map { _ in Handoff() }
        let made = NIOLockedValueBox(0)
        let group = DispatchGroup()
        for worker in 0..<Self.threads {
            DispatchQueue.global().async(group: group) {
                let next = handoffs[(worker + 1) % Self.threads]
                for index in 0..<Self.chainsPerThread {
                    // Made, tracked and given callbacks here; fired on the next thread.
                    let d = Deferred<Int>()
                    monitor.track(d, label: "w\(worker)-\(index)")
                    d.addCallback(label: "inc") { $0 + 1 }
                    if index % 7 == 0 {
                        // A chain that returns another Deferred: followed, and waited on.
                        d.addCallback(label: "nested") { value -> Deferred<Int> in Deferred.succeeded(value * 2) }
                    }
                    next.put(d)
                    made.withLockedValue { $0 += 1 }
                    // Fire what the previous thread handed over.
                    while let other = handoffs[worker].take() {
                        other.addCallback(label: "moved") { $0 * 2 }
                        try? other.callback(index)
                    }
                }
            }
        }
        // Stop while the threads record: stop() must return, and whatever was written must be a whole log.
        while made.withLockedValue({ $0 }) < Self.threads * Self.chainsPerThread / 3 { usleep(100) }
        let report = try #require(monitor.stop(timeout: .seconds(60)))
        group.wait()
        for handoff in handoffs { while let d = handoff.take() { try? d.callback(0) } }
        #expect(report.lastError == nil)
        #expect(report.lost == 0)

        let (messages, warnings) = try EventLogReader(path: path).readAll()
        #expect(warnings.isEmpty)
        // Every line stopped at was written: the report counts the lines after the header.
        #expect(report.written == messages.count - 1)
        let byTask = Dictionary(grouping: messages.map(\.message), by: \.taskUUID)
        var chains = 0
        for (_, task) in byTask where task.contains(where: { $0.actionType == MonitorVocabulary.deferredAction }) {
            chains += 1
            // One start of the chain, its levels unique, and every run that started in it ended or is the last.
            let starts = task.filter { $0.actionType == MonitorVocabulary.deferredAction && $0.actionStatus == .started }
            #expect(starts.count == 1)
            let levels = task.map(\.taskLevel)
            #expect(Set(levels).count == levels.count)
            let runStarts = task.filter { $0.actionType == MonitorVocabulary.runAction && $0.actionStatus == .started }
            let runEnds = task.filter { $0.actionType == MonitorVocabulary.runAction && $0.actionStatus != .started }
            #expect(runEnds.count <= runStarts.count && runStarts.count <= runEnds.count + 1)
        }
        // Chains were recorded before the stop, and none after it (the ids are those of tracked chains).
        let ids = Set(messages.compactMap { $0.message.fields[MonitorVocabulary.Field.deferredID]?.intValue })
        #expect(chains > 0 && ids.count == chains)
    }
}
