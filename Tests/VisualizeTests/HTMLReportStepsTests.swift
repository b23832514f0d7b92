import Foundation
import Testing

/// The HTML report's replay steps: every failure is a step, and a chain ends after its last callback.
@Suite("HTML report: replay steps")
struct HTMLReportStepsTests {
    /// The events of a report as (type, chain, ref, time), in the report's order.
    static func events(_ data: [String: Any]) throws -> [(type: String, chain: Int, ref: Int, time: Int)] {
        let kinds = try #require((data["enums"] as? [String: Any])?["event"] as? [String])
        let types = HTMLReportTests.column(data, "events", "type"), chains = HTMLReportTests.column(data, "events", "chain")
        let refs = HTMLReportTests.column(data, "events", "ref"), times = HTMLReportTests.column(data, "events", "time")
        return types.indices.map { (kinds[types[$0]], chains[$0], refs[$0], times[$0]) }
    }

    /// The failed actions below a task's root in `input`, read from its lines with Foundation: (task, end level).
    static func failedInnerActions(_ input: String) throws -> Set<String> {
        var failed = Set<String>()
        for line in try HTMLReportTests.lines(input) {
            guard line["action_status"] as? String == "failed", let level = line["task_level"] as? [Int], level.count > 1
            else { continue }
            failed.insert("\(line["task_uuid"] as? String ?? "?") \(level.map(String.init).joined(separator: "/"))")
        }
        return failed
    }

    @Test("every action below a task's root that failed is a replay step, at its end")
    func innerFailuresAreSteps() throws {
        let (_, data) = try HTMLReportTests.report("twisted-eliot.log")
        let expected = try Self.failedInnerActions("twisted-eliot.log")
        #expect(!expected.isEmpty, "the log has failed inner actions")
        let strings = try #require(data["strings"] as? [String])
        let status = HTMLReportTests.column(data, "spans", "status").map { strings[$0] }
        let depth = HTMLReportTests.column(data, "spans", "depth"), end = HTMLReportTests.column(data, "spans", "end")
        let failedSpans = status.indices.filter { status[$0] == "failed" && depth[$0] > 0 }
        #expect(failedSpans.count == expected.count)
        let steps = try Self.events(data).filter { $0.type == "actionFailed" }
        #expect(steps.map(\.ref).sorted() == failedSpans)
        for step in steps { #expect(step.time == end[step.ref], "the step is at the action's end") }
    }

    @Test("a chain's ended step comes after its last callback, even one that took no measurable time")
    func endedAfterTheLastRun() throws {
        // The original Reactor Track format: the last callback's recorded duration is 0.
        let lines = [
            #"{"action": "attached", "deferred": 7, "callback": "__main__.first", "errback": null}"#,
            #"{"action": "attached", "deferred": 7, "callback": "__main__.last", "errback": null}"#,
            #"{"action": "executed", "deferred": 7, "time": 0.5, "callback?": true, "callback": "__main__.first"}"#,
            #"{"action": "executed", "deferred": 7, "time": 0.0, "callback?": true, "callback": "__main__.last"}"#,
        ]
        let path = TestInputs.temporaryFile("reactor-track-instant.log")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let (_, data) = try HTMLReportTests.report(path)
        let steps = try Self.events(data)
        let ended = try #require(steps.firstIndex { $0.type == "ended" })
        let runs = steps.indices.filter { steps[$0].type == "run" && steps[$0].chain == steps[ended].chain }
        #expect(runs.count == 2)
        #expect(runs.allSatisfy { $0 < ended }, "steps: \(steps.map(\.type))")
    }
}
