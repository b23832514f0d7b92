import EventLog
import Foundation
import Testing
import TestSupport

@Suite("The seed example's mon.out")
struct SeedExampleTests {
    static func runSeed() throws -> (log: URL, output: String) {
        let directory = TestFixtures.scratch.appendingPathComponent("seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let log = directory.appendingPathComponent("mon.out")
        let result = try BuiltProducts.run(BuiltProducts.url(of: "seed-example"), [log.path])
        #expect(result.status == 0, "seed-example failed: \(result.output)")
        return (log, result.output)
    }

    @Test("records every run in order, the failure, the recovery, the chained d2 and the link between them")
    func recordsTheWholeStory() throws {
        let (log, output) = try Self.runSeed()
        #expect(output.contains("FINISHED!"))
        let reader = try EventLogReader(path: log.path)
        let (messages, warnings) = reader.readAll()
        #expect(warnings.isEmpty)
        let all = messages.map(\.message)

        let chains = all.filter { $0.actionType == "reactortrack:deferred" && $0.actionStatus == .started }
        let idOf = Dictionary(uniqueKeysWithValues: chains.map { ($0.fields["label"]?.stringValue ?? "", $0.taskUUID) })
        let d = try #require(idOf["d"])
        let d2 = try #require(idOf["d2"])

        // Runs in the order they started, across both chains, with their chain.
        let starts = all.filter { $0.actionType == "reactortrack:run" && $0.actionStatus == .started }
        let runs = starts.map { ($0.taskUUID == d ? "d" : "d2") + ":" + ($0.fields["name"]?.stringValue ?? "?") }
        #expect(
            runs == [
                "d:simpleCallback", "d:followup", "d:problem", "d:simpleErrback", "d:chainDeferred.callback",
                "d2:simpleCallback", "d:finished",
            ])

        // Durations: each run's end minus its start, matched by task and level.
        func duration(task: String, name: String) throws -> Double {
            let start = try #require(starts.first { $0.taskUUID == task && $0.fields["name"]?.stringValue == name })
            let end = try #require(
                all.first {
                    $0.taskUUID == task && $0.actionType == "reactortrack:run" && $0.actionStatus != .started
                        && $0.taskLevel.dropLast() == start.taskLevel.dropLast()
                })
            return try #require(end.timestamp) - (try #require(start.timestamp))
        }
        #expect(try duration(task: d, name: "simpleCallback") >= 0.9)
        #expect(try duration(task: d, name: "simpleCallback") < 5)
        #expect(try duration(task: d2, name: "simpleCallback") >= 0.9)
        #expect(try duration(task: d, name: "followup") < 0.5)

        // problem failed with its exception; simpleErrback ran on the error path and recovered.
        let problemEnd = try #require(all.first { $0.taskUUID == d && $0.actionStatus == .failed && $0.actionType == "reactortrack:run" })
        #expect(problemEnd.exception == "Problem")
        #expect(problemEnd.reason == "something went wrong in problem()")
        let errback = try #require(starts.first { $0.fields["name"]?.stringValue == "simpleErrback" })
        #expect(errback.fields["path"]?.stringValue == "error")

        // The link from d to d2.
        let link = try #require(all.first { $0.taskUUID == d && $0.messageType == "reactortrack:chained" })
        let d2ID = chains.first { $0.taskUUID == d2 }?.fields["deferred_id"]
        #expect(link.fields["to"] == d2ID)

        // Both chains ended, successfully.
        let ends = all.filter { $0.actionType == "reactortrack:deferred" && $0.actionStatus == .succeeded }
        #expect(Set(ends.map(\.taskUUID)) == [d, d2])
    }

    @Test(
        "is a valid Eliot log: real eliot.parse finds every task complete and eliot-tree renders it",
        .enabled(if: BuiltProducts.python != nil, "needs REACTORTRACK_PYTHON (make test sets it)"))
    func validEliot() throws {
        let (log, _) = try Self.runSeed()
        let problems = try BuiltProducts.eliotProblems(in: log)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
