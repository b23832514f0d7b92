import Chains
import EventLog
import Foundation
import Testing

/// The pipeline example writes actions, swift-log records and Deferred chains into one log: each chain is an
/// action inside the `job:fetch` that tracked it, and real eliot.parse and eliot-tree read the file.
@Suite("The pipeline example: actions and chains in one log")
struct PipelineExampleTests {
    @Test("one file, one task per job: the chain inside its action, the logger's lines too; Eliot's tools read it")
    func oneLog() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("pipeline.out")
        let run = try BuiltProducts.run(BuiltProducts.url(of: "pipeline-example"), [log.path])
        #expect(run.status == 0, "\(run.output)")

        let loaded = try LogLoader().load([log.path])
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
        let jobs = loaded.chains.filter { $0.label == "job:fetch" }
        #expect(jobs.count == 3)
        for job in jobs {
            // Each job's chain is in the job's task, linked from it, and drawn with it.
            let link = try #require(job.links.first, "\(job.id)")
            #expect(link.kind == .contains)
            let chain = try #require(loaded.chains.first { $0.deferredID == link.target })
            #expect(chain.id.hasPrefix(job.id + "/") && chain.isDeferred)
            #expect(chain.runs.map(\.name).contains("parse"))
            let family = try #require(ChainFamily.group(loaded.chains).first { $0.root.id == job.id })
            #expect(family.members.map(\.chain.id) == [job.id, chain.id])
        }
        let slow = try #require(loaded.chains.first { $0.label == "fetch slow" })
        #expect(slow.outcome.badge == "recovered from TimeoutError")
        #expect(jobs.filter { $0.outcome.name == "recovered" }.count == 1)

        // The logger's lines are messages of the jobs' tasks, not tasks of their own.
        let (messages, _) = try EventLogReader(path: log.path).readAll()
        let stdlib = messages.map(\.message).filter { $0.messageType == "eliot:stdlib" }
        let jobTasks = Set(jobs.map(\.id))
        #expect(stdlib.count >= 7 && stdlib.allSatisfy { jobTasks.contains($0.taskUUID) })

        if let python = BuiltProducts.python {
            let validator = BuiltProducts.repositoryRoot.appendingPathComponent("scripts/validate_eliot_log.py")
            let validated = try BuiltProducts.run(python, [validator.path, log.path])
            #expect(validated.status == 0, "\(validated.output)")
            #expect(validated.output.contains("all complete"))
            let eliotTree = python.deletingLastPathComponent().appendingPathComponent("eliot-tree")
            #expect(try BuiltProducts.run(eliotTree, ["--color=never", log.path]).status == 0)
        }
    }
}
