import Chains
import EventLog
import Foundation
import Testing
import TestSupport

/// The pipeline example writes actions, swift-log records and Deferred chains into one log: each chain is an
/// action inside the `job:fetch` that tracked it, and real eliot.parse and eliot-tree read the file.
@Suite("The pipeline example: actions and chains in one log")
struct PipelineExampleTests {
    @Test("one file, one task per job: the chain inside its action, the logger's lines too; Eliot's tools read it")
    func oneLog() throws {
        let directory = TestFixtures.scratch.appendingPathComponent("pipeline-\(UUID().uuidString)")
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

    /// What a reader makes of one run's chains, without its times: label, runs, outcome and links, and the
    /// action each chain is inside (by label), sorted.
    static func shape(_ chains: [Chain]) -> [String] {
        let byID = Dictionary(chains.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return chains.map { chain in
            let parent = chain.id.split(separator: "/").dropLast().joined(separator: "/")
            return [
                chain.label, chain.runs.map(\.name).joined(separator: ","), chain.outcome.name,
                chain.links.map { "\($0.kind)" }.joined(separator: ","), byID[parent]?.label ?? "",
            ].joined(separator: " | ")
        }.sorted()
    }

    @Test("two files, actions.out and mon.out, read together give what one shared file gives: each chain once, in its action")
    func twoFiles() throws {
        let directory = TestFixtures.scratch.appendingPathComponent("pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let shared = directory.appendingPathComponent("pipeline.out").path
        let actions = directory.appendingPathComponent("actions.out").path
        let monitor = directory.appendingPathComponent("mon.out").path
        let example = BuiltProducts.url(of: "pipeline-example")
        let one = try BuiltProducts.run(example, [shared])
        #expect(one.status == 0, "\(one.output)")
        let two = try BuiltProducts.run(example, [actions, monitor])
        #expect(two.status == 0, "\(two.output)")

        let expected = try LogLoader().load([shared])
        try #require(expected.chains.filter { $0.label == "job:fetch" }.count == 3)
        // Both orders of the files, loaded whole and streamed.
        for paths in [[actions, monitor], [monitor, actions]] {
            let loaded = try LogLoader().load(paths)
            #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
            #expect(Self.shape(loaded.chains) == Self.shape(expected.chains))
            var streamed: [Chain] = []
            let log = try LogLoader().stream(paths) { chain, _ in streamed.append(chain) }
            #expect(log.warnings.isEmpty, "\(log.warnings)")
            #expect(Self.shape(streamed) == Self.shape(expected.chains))
            #expect(!streamed.contains { $0.label == MonitorVocabulary.deferredAction })
        }

        // The command says the same: no raw chain actions in the tree, no warning, no chain label as a callback.
        let command = BuiltProducts.url(of: "reactortrack")
        let tree = try BuiltProducts.run(command, ["tree", "--color=never", actions, monitor])
        #expect(tree.status == 0, "\(tree.output)")
        #expect(!tree.output.contains(MonitorVocabulary.deferredAction) && !tree.output.contains("tracked_by"))
        #expect(!tree.output.contains("warning"), "\(tree.output)")
        let summary = try BuiltProducts.run(command, ["summary", "--json", actions, monitor])
        let oneSummary = try BuiltProducts.run(command, ["summary", "--json", shared])
        #expect(summary.status == 0 && !summary.output.contains("missing start"), "\(summary.output)")
        let names = { (json: String) throws -> [String] in
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let callbacks = object?["callbacks"] as? [[String: Any]] ?? []
            return callbacks.compactMap { $0["name"] as? String }.sorted()
        }
        #expect(try names(summary.output) == names(oneSummary.output))
        #expect(try !names(summary.output).contains { $0.hasPrefix("fetch ") })
    }
}
