import Chains
import Defer
import EventLog
import Foundation
import Monitor
import Testing
import TestSupport

/// Aggregates (`deferredList`, `gatherResults`) as a user reads them: results in Twisted's words, and the pair
/// added to each member counted as one callback by name.
@Suite("Aggregates in the log and the summary")
struct AggregateTests {
    @Test("an aggregate's result reads as Twisted's repr: (success, result) pairs, or (value, index)")
    func aggregateResults() throws {
        let monitor = JSONMonitor()
        let members = [Deferred<Int>(), Deferred<Int>(), Deferred<Int>()]
        let list = deferredList(members, consumeErrors: true)
        monitor.track(list, label: "all")
        let firstMember = Deferred<Int>()
        let first = deferredList([firstMember], fireOnOneCallback: true)
        monitor.track(first, label: "first")
        try firstMember.callback(6)
        try members[0].callback(6)
        try members[1].callback(7)
        let timeout = Failure(TimeoutError(seconds: 0.5))
        try members[2].errback(timeout)
        let fired = { (label: String) -> String? in
            let messages = monitor.messages
            let task = messages.first { $0.fields[MonitorVocabulary.Field.label]?.stringValue == label }?.taskUUID
            return messages.first { $0.taskUUID == task && $0.messageType == MonitorVocabulary.Message.fired.rawValue }?
                .fields[MonitorVocabulary.Field.value]?.stringValue
        }
        let failed = "(false, \(timeout.typeName): \(timeout.errorMessage))"
        #expect(fired("all") == "[(true, 6), (true, 7), \(failed)]")
        #expect(fired("first") == "(6, 0)")
        #expect(fired("all")?.contains("Swift.") == false)
    }

    @Test("the pair a deferredList adds to each member is one callback by name, and each pair keeps its index")
    func memberPairsByName() throws {
        let monitor = JSONMonitor(followChained: true)
        let members = (0..<5).map { _ in Deferred<Int>() }
        let list = deferredList(members)
        monitor.track(list, label: "all")
        for (i, member) in members.enumerated() { try member.callback(i) }
        let directory = TestFixtures.scratch.appendingPathComponent("aggregate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("mon.out").path
        try monitor.dump(to: path)

        let log = try LogLoader().load([path])
        let memberRuns = log.chains.flatMap(\.runs).map(\.name).filter { $0.hasPrefix("DeferredList[") }
        #expect(memberRuns.sorted() == (0..<members.count).map { "DeferredList[\($0)]" })
        var accumulator = SummaryAccumulator(top: 20)
        for (i, chain) in log.chains.enumerated() { accumulator.add(chain, ordinal: i) }
        let rows = accumulator.summary(inputs: [path], messages: log.messageCount, warnings: 0).slowestCallbacks
        let grouped = rows.filter { $0.name.hasPrefix("DeferredList[") }
        #expect(grouped.map(\.name) == ["DeferredList[n]"])
        #expect(grouped.first?.calls == memberRuns.count)
        #expect(CallbackStats.groupName("fetch[url]") == "fetch[url]")
        #expect(CallbackStats.groupName("race[12]") == "race[n]")
        #expect(CallbackStats.groupName("[3]") == "[n]")

        // The members, followed, read as what they are, each number once: `Deferred #2, member 0 of all #1`.
        let followed = log.chains.filter { $0.trackedBy == "chained" }
        try #require(followed.count == members.count)
        for chain in followed {
            let id = try #require(chain.deferredID)
            #expect(chain.title == "Deferred #\(id), \(chain.label)")
            #expect(chain.title.components(separatedBy: "#\(id)").count == 2, "\(chain.title)")
            #expect(chain.label.hasPrefix("member ") && chain.label.hasSuffix(" of all #1"))
        }
    }
}
