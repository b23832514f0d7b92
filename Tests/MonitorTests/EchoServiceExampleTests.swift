import EventLog
import Foundation
import Testing
import TestSupport

@Suite("The echo-service example's mon.out")
struct EchoServiceExampleTests {
    static func runExample() throws -> (log: URL, messages: [EventMessage], output: String) {
        let directory = TestFixtures.scratch.appendingPathComponent("echo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let log = directory.appendingPathComponent("mon.out")
        let result = try BuiltProducts.run(BuiltProducts.url(of: "echo-service-example"), [log.path])
        #expect(result.status == 0, "echo-service-example failed: \(result.output)")
        let (messages, warnings) = try EventLogReader(path: log.path).readAll()
        #expect(warnings.isEmpty)
        return (log, messages.map(\.message), result.output)
    }

    @Test("tracks 20 requests and the fan-out; one failure is recovered, one request times out")
    func requestsFailuresAndTimeout() throws {
        let (_, messages, output) = try Self.runExample()
        #expect(output.contains("got 20 users"))
        let chains = messages.filter { $0.actionType == "reactortrack:deferred" && $0.actionStatus == .started }
        let labels = chains.compactMap { $0.fields["label"]?.stringValue }
        #expect(labels.filter { $0 == "fetchUser" }.count == 19)
        #expect(labels.contains("fetchUserAsync"))
        #expect(labels.contains("fetchAllUsers"))

        let failedRuns = messages.filter { $0.actionType == "reactortrack:run" && $0.actionStatus == .failed }
        #expect(failedRuns.contains { $0.exception == "ServiceError" })
        let fallbacks = messages.filter {
            $0.actionType == "reactortrack:run" && $0.actionStatus == .started
                && $0.fields["name"]?.stringValue == "fallbackUser"
        }
        #expect(fallbacks.count == 2)
        #expect(fallbacks.contains { $0.fields["input"]?.stringValue?.hasPrefix("TimeoutError") == true })
        #expect(fallbacks.contains { $0.fields["input"]?.stringValue?.hasPrefix("ServiceError") == true })
        #expect(messages.contains { $0.messageType == "reactortrack:cancelled" })
    }

    @Test(
        "is a valid Eliot log for real eliot.parse and eliot-tree",
        .enabled(if: BuiltProducts.python != nil, "needs REACTORTRACK_PYTHON (make test sets it)"))
    func validEliot() throws {
        let (log, _, _) = try Self.runExample()
        let problems = try BuiltProducts.eliotProblems(in: log)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
