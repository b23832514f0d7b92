import Actions
import EventLog
import Foundation
import TestSupport
import Testing

@Suite("Logs that real Eliot tools accept")
struct EliotCompatibilityTests {
    /// Writes a log with nested actions, parallel child tasks, a thread hand-off, a failed action, plain
    /// messages and awkward values, through the threaded writer into a file.
    func writeLog(to path: String) async throws {
        let file = try FileDestination(path: path, append: false)
        try file.writeHeader(fields: ["program": "ActionsTests"])
        let writer = ThreadedWriter(destination: file)
        await withLogDestination(writer) {
            logMessage("app:startup", fields: ["pid": .int(Int(ProcessInfo.processInfo.processIdentifier))])
            withAction("app:nested", fields: ["depth": 0]) { _ in
                withAction("app:level1") { _ in
                    withAction("app:level2") { _ in logMessage("app:deep", fields: ["ok": true]) }
                }
                logMessage("app:between")
            }
            await withAction("app:parallel") { _ in
                await withTaskGroup(of: Void.self) { group in
                    for i in 0..<6 {
                        group.addTask {
                            withAction("app:worker", fields: ["i": .int(i)]) { action in
                                logMessage("app:worker:step")
                                action.addSuccessFields(["done": true])
                            }
                        }
                    }
                }
                async let a: Void = withAction("app:async_let") { _ in logMessage("app:a") }
                async let b: Void = withAction("app:async_let") { _ in logMessage("app:b") }
                _ = await (a, b)
            }
            withAction("app:thread_handoff") { _ in
                let work = Action.preserveContext {
                    withAction("app:in_thread", fields: ["x": 21]) { $0.addSuccessFields(["result": 42]) }
                }
                let done = DispatchSemaphore(value: 0)
                Thread {
                    _ = try? work()
                    done.signal()
                }.start()
                done.wait()
                logMessage("app:thread:result", fields: ["result": 42])
            }
            _ = try? withAction("app:failing") { _ in
                logMessage("app:about_to_fail")
                throw Boom()
            }
            logMessage(
                "app:encoding_probe",
                fields: [
                    "control": "tab\tnewline\nnul\u{0}bell\u{7}", "quote": "\"\\", "unicode": "café ☃ 😀",
                    "nan": .double(.nan), "inf": .double(.infinity), "nested": ["list": [1, "two", nil, true]],
                ])
        }
        writer.stop()
        #expect(writer.failureCount == 0)
    }

    @Test("our reader and grouper find every task complete")
    func selfCheck() async throws {
        let path = TestFixtures.scratch.appendingPathComponent("eliot-\(UUID()).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await writeLog(to: path)
        let reader = try EventLogReader(path: path)
        let (tasks, warnings) = TaskGrouper.group(reader)
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(reader.formatVersion == EventLogFormat.version)
        #expect(tasks.allSatisfy { $0.isComplete }, "\(tasks.map(\.outline))")
        let failing = tasks.first { $0.root.type == "app:failing" }?.root.action
        #expect(failing?.status == .failed && failing?.exception == "ActionsTests.Boom")
        let handoff = tasks.first { $0.root.type == "app:thread_handoff" }?.root.action
        #expect(handoff?.childActions.first?.childActions.first?.actionType == "app:in_thread")
    }

    @Test(
        "eliot.parse accepts the log with every task complete, and eliot-tree renders it",
        .enabled(if: ProcessInfo.processInfo.environment["REACTORTRACK_PYTHON"] != nil))
    func realEliot() async throws {
        let python = try #require(ProcessInfo.processInfo.environment["REACTORTRACK_PYTHON"])
        let path = TestFixtures.scratch.appendingPathComponent("eliot-\(UUID()).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await writeLog(to: path)
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let validator = repository.appendingPathComponent("scripts/validate_eliot_log.py").path
        let validation = try run(python, [validator, path])
        #expect(validation.status == 0, "\(validation.output)")
        let eliotTree = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("eliot-tree")
        let tree = try run(eliotTree.path, ["--color=never", path])
        #expect(tree.status == 0, "\(tree.output)")
        #expect(tree.output.contains("app:in_thread"))
        #expect(!tree.output.contains("<node formatting exception>"))
    }

    func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let run = try TestProcess.run(program, arguments)
        return (run.status, run.output)
    }
}
